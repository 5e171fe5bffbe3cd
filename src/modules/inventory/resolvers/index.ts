import { PartResolver } from './part.resolver';
import { EolImpactCustomerResolver } from './eol-impact-customer.resolver';
import { DepotResolver } from './depot.resolver';
import { StockResolver } from './stock.resolver';
import { StockMovementResolver } from './stock-movement.resolver';
import { ReservationResolver } from './reservation.resolver';
import { StockTransferResolver } from './stock-transfer.resolver';
import { StockTakeResolver } from './stock-take.resolver';
import { StockTakeLineResolver } from './stock-take-line.resolver';
import { StockAlertResolver } from './stock-alert.resolver';
import { ReplenishmentSuggestionResolver } from './replenishment-suggestion.resolver';

/** One resolver class per GraphQL type of the inventory. */
export const inventoryResolvers = [
  PartResolver,
  EolImpactCustomerResolver,
  DepotResolver,
  StockResolver,
  StockMovementResolver,
  ReservationResolver,
  StockTransferResolver,
  StockTakeResolver,
  StockTakeLineResolver,
  StockAlertResolver,
  ReplenishmentSuggestionResolver,
];
