import { Field, ID, Int, ObjectType } from 'type-graphql';
import { ConnectionType } from '../../platform/graphql/connection';
import { Device } from '../customers/customer.entity';
import { StockAlert } from './alert.entity';
import { Depot } from './depot.entity';
import { Part, PartCondition } from './part.entity';
import { Reservation } from './reservation.entity';
import { Stock, StockMovement } from './stock.entity';

@ObjectType({ description: 'A depot that holds the spare, with how soon it can be on site' })
export class SpareOption {
  @Field(() => Depot) depot: Depot;
  @Field(() => Stock) stock: Stock;
  @Field(() => PartCondition) condition: PartCondition;
  @Field(() => Int) available: number;
  @Field(() => String, { nullable: true, description: 'ISO-8601 delivery time to the site; null when the depot does not cover it' })
  deliveryTime: string | null;
  @Field(() => Int, { nullable: true }) deliveryMinutes: number | null;
  @Field(() => Date, { nullable: true }) estimatedArrival: Date | null;
  @Field({ description: 'now + delivery time <= deadline' }) meetsDeadline: boolean;
}

@ObjectType({ description: "One customer's share of an EOL part's installed base" })
export class EolImpactCustomer {
  @Field(() => ID) customerId: string;
  @Field(() => Int) deviceCount: number;
  @Field(() => [Device]) devices: Device[];
}

@ObjectType({ description: 'Active devices of the models a part fits, grouped by customer' })
export class EolImpact {
  @Field(() => Part) part: Part;
  @Field(() => Int) deviceCount: number;
  @Field(() => Int) customerCount: number;
  @Field(() => [EolImpactCustomer]) customers: EolImpactCustomer[];
}

export const StockMovementConnection = ConnectionType(StockMovement);
export const ReservationConnection = ConnectionType(Reservation);
export const StockAlertConnection = ConnectionType(StockAlert);
