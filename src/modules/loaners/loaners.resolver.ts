import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { Role } from '../../platform/auth/principal';
import { canSee } from '../../platform/auth/scope';
import { ConnectionType, type Connection } from '../../platform/graphql/connection';
import { HubContext, principalOf } from '../../platform/graphql/context';
import type { Hub } from '../../platform/hub';
import { Customer, Device } from '../customers/customer.entity';
import { customerLoader, deviceLoader } from '../customers/customers.loaders';
import { Depot } from '../inventory/depot.entity';
import { depotLoader } from '../inventory/inventory.loaders';
import { Loan, Loaner, LoanerState } from './loaner.entity';
import { loanerLoader } from './loaners.loaders';
import { AssignLoanerInput, LoanerFilter, LoanFilter, RegisterLoanerInput } from './loaners.inputs';
import { ALL_DEPOTS, fromLoanerPayload, LOANER_UPDATED, LoanerPayload, LoanersService } from './loaners.service';

const STAFF = [Role.ADMIN, Role.OPERATOR];
const DEPOT_ROLES = [Role.ADMIN, Role.OPERATOR, Role.WAREHOUSE];

export const LoanConnection = ConnectionType(Loan);

@Resolver(() => Loaner)
export class LoanerResolver {
  private readonly service: LoanersService;
  constructor(hub: Hub) {
    this.service = hub.get(LoanersService);
  }

  @Authorized(...DEPOT_ROLES)
  @Query(() => [Loaner], { description: 'The loaner pool (a WAREHOUSE key: its own depots)' })
  loaners(@Ctx() ctx: HubContext, @Arg('filter', () => LoanerFilter, { nullable: true }) filter?: LoanerFilter): Promise<Loaner[]> {
    return this.service.listLoaners(principalOf(ctx), filter ?? {});
  }

  @FieldResolver(() => Depot)
  depot(@Root() loaner: Loaner, @Ctx() ctx: HubContext) {
    return depotLoader(ctx).load(loaner.depotId);
  }

  @Authorized(...STAFF)
  @Mutation(() => Loaner)
  registerLoaner(@Arg('input') input: RegisterLoanerInput): Promise<Loaner> {
    return this.service.register(input);
  }

  @Authorized(...DEPOT_ROLES)
  @Mutation(() => Loaner, { description: 'Takes a loaner into or out of MAINTENANCE, or retires it' })
  setLoanerState(
    @Arg('serialNumber') serialNumber: string,
    @Arg('state', () => LoanerState) state: LoanerState,
    @Ctx() ctx: HubContext,
    @Arg('notes', () => String, { nullable: true }) notes?: string,
  ): Promise<Loaner> {
    return this.service.setState(principalOf(ctx), serialNumber, state, notes);
  }

  @Authorized(...DEPOT_ROLES)
  @Subscription(() => Loaner, {
    topics: LOANER_UPDATED,
    topicId: ({ args }: { args: { depotId?: string | null } }) => args.depotId ?? ALL_DEPOTS,
    filter: ({ payload, context }: { payload: LoanerPayload; context: HubContext }) => canSee(context.principal, Loaner, payload),
    description: 'Loaner state changes, of one depot or of every depot the key may see',
  })
  loanerUpdated(@Root() payload: LoanerPayload, @Arg('depotId', () => ID, { nullable: true }) _depotId?: string): Loaner {
    return fromLoanerPayload(payload);
  }
}

@Resolver(() => Loan)
export class LoanResolver {
  private readonly service: LoanersService;
  constructor(hub: Hub) {
    this.service = hub.get(LoanersService);
  }

  @Authorized()
  @Query(() => LoanConnection, { description: 'Loans, newest first (a CUSTOMER key: its own organisation’s)' })
  loans(
    @Ctx() ctx: HubContext,
    @Arg('filter', () => LoanFilter, { nullable: true }) filter?: LoanFilter,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<Connection<Loan>> {
    return this.service.listLoans(principalOf(ctx), filter ?? {}, { first, after });
  }

  @FieldResolver(() => Loaner)
  loaner(@Root() loan: Loan, @Ctx() ctx: HubContext) {
    return loanerLoader(ctx).load(loan.loanerId);
  }

  @FieldResolver(() => Device, { description: "The customer's unit under repair" })
  device(@Root() loan: Loan, @Ctx() ctx: HubContext) {
    return deviceLoader(ctx).load(loan.deviceId);
  }

  @FieldResolver(() => Customer)
  customer(@Root() loan: Loan, @Ctx() ctx: HubContext) {
    return customerLoader(ctx).load(loan.customerId);
  }

  @FieldResolver(() => Boolean, { description: 'Open and past its due-back date' })
  overdue(@Root() loan: Loan): boolean {
    return !!loan.dueBackAt && !loan.returnedAt && loan.dueBackAt.getTime() < Date.now();
  }

  @Authorized(...STAFF)
  @Mutation(() => Loan, {
    description:
      'Lends a loaner for a unit under repair: same model first, then an equivalent, from the nearest depot. ' +
      'Asking again for the same RMA/incident returns the open loan.',
  })
  assignLoaner(@Arg('input') input: AssignLoanerInput, @Ctx() ctx: HubContext): Promise<Loan> {
    return this.service.proposeAndAssign(undefined, { ...input, actor: principalOf(ctx).name });
  }

  @Authorized(...DEPOT_ROLES)
  @Mutation(() => Loan, { description: 'The loaner left the depot for the customer' })
  shipLoaner(@Arg('loanId', () => ID) loanId: string, @Ctx() ctx: HubContext): Promise<Loan> {
    return this.service.ship(principalOf(ctx), loanId);
  }

  @Authorized(...DEPOT_ROLES)
  @Mutation(() => Loan, { description: 'The loaner arrived at the customer (ON_LOAN)' })
  deliverLoaner(
    @Arg('loanId', () => ID) loanId: string,
    @Ctx() ctx: HubContext,
    @Arg('deliveredAt', () => Date, { nullable: true }) deliveredAt?: Date,
  ): Promise<Loan> {
    return this.service.deliver(principalOf(ctx), loanId, deliveredAt);
  }

  @Authorized(...STAFF)
  @Mutation(() => Loan, { description: 'When the loaner must be back; an overdue loan raises a LOAN_OVERDUE alert' })
  setLoanDueBack(@Arg('loanId', () => ID) loanId: string, @Arg('dueBackAt') dueBackAt: Date, @Ctx() ctx: HubContext): Promise<Loan> {
    return this.service.setDueBack(undefined, { loanId, dueBackAt, principal: principalOf(ctx) });
  }

  @Authorized(...DEPOT_ROLES)
  @Mutation(() => Loan, { description: 'The loaner is back at its depot (to MAINTENANCE unless needsMaintenance is false)' })
  returnLoaner(
    @Arg('loanId', () => ID) loanId: string,
    @Ctx() ctx: HubContext,
    @Arg('needsMaintenance', { defaultValue: true }) needsMaintenance: boolean,
  ): Promise<Loan> {
    return this.service.returnLoaner(principalOf(ctx), loanId, needsMaintenance);
  }

  @Authorized(...STAFF)
  @Mutation(() => Loan, { description: 'Withdraws a loan that has not shipped; the loaner is AVAILABLE again' })
  cancelLoan(@Arg('loanId', () => ID) loanId: string, @Ctx() ctx: HubContext): Promise<Loan> {
    return this.service.cancel(principalOf(ctx), loanId);
  }
}

export const loanersResolvers = [LoanerResolver, LoanResolver];
