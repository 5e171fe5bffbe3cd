import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { HubContext } from '../../../platform/graphql/context';
import { Customer } from '../../customers/customer.entity';
import { customerLoader } from '../../customers/customers.loaders';
import { EolImpactCustomer } from '../inventory.types';

@Resolver(() => EolImpactCustomer)
export class EolImpactCustomerResolver {
  @FieldResolver(() => Customer)
  customer(@Root() row: EolImpactCustomer, @Ctx() ctx: HubContext): Promise<Customer> {
    return customerLoader(ctx).load(row.customerId);
  }
}
