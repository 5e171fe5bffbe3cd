import { userActor } from '../../platform/auth/actor';
import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../../platform/auth/principal';
import { ConnectionType, type Connection } from '../../platform/graphql/connection';
import { HubContext, principalOf } from '../../platform/graphql/context';
import type { Hub } from '../../platform/hub';
import { Customer } from '../customers/customer.entity';
import { customerLoader } from '../customers/customers.loaders';
import { Complaint, ComplaintEvent, ComplaintPolicy } from './complaint.entity';
import { ComplaintFilter, ComplaintPolicyInput, FileComplaintInput, RateComplaintInput } from './complaints.inputs';
import { ComplaintsService } from './complaints.service';

const STAFF = [Role.ADMIN, Role.OPERATOR];

export const ComplaintConnection = ConnectionType(Complaint);

@Resolver(() => Complaint)
export class ComplaintResolver {
  private readonly service: ComplaintsService;
  constructor(hub: Hub) {
    this.service = hub.get(ComplaintsService);
  }

  @Authorized()
  @Query(() => ComplaintConnection, { description: 'Complaints the key may see, newest first' })
  complaints(
    @Ctx() ctx: HubContext,
    @Arg('filter', () => ComplaintFilter, { nullable: true }) filter?: ComplaintFilter,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<Connection<Complaint>> {
    return this.service.list(principalOf(ctx), filter, { first, after });
  }

  @Authorized()
  @Query(() => Complaint)
  complaint(@Arg('id', () => ID) id: string, @Ctx() ctx: HubContext): Promise<Complaint> {
    return this.service.get(principalOf(ctx), id);
  }

  @Authorized()
  @Query(() => ComplaintPolicy, { description: 'The targets a new complaint of the customer gets (its own or the default)' })
  complaintPolicy(@Ctx() ctx: HubContext, @Arg('customerId', () => ID, { nullable: true }) customerId?: string): Promise<ComplaintPolicy> {
    return this.service.effectivePolicy(principalOf(ctx), customerId);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ComplaintPolicy, {
    description: "Sets a customer's complaint targets, or the default; applies to complaints filed from now on",
  })
  setComplaintPolicy(@Arg('input') input: ComplaintPolicyInput, @Ctx() ctx: HubContext): Promise<ComplaintPolicy> {
    return this.service.setPolicy(principalOf(ctx), input);
  }

  @Authorized(Role.ADMIN, Role.OPERATOR, Role.CUSTOMER)
  @Mutation(() => Complaint, { description: 'Files a complaint; the first-reply and resolution clocks start' })
  fileComplaint(@Arg('input') input: FileComplaintInput, @Ctx() ctx: HubContext): Promise<Complaint> {
    return this.service.file(userActor(principalOf(ctx)), input);
  }

  @Authorized(...STAFF)
  @Mutation(() => Complaint, { description: 'A reply to the customer; the first one stops the first-reply clock' })
  replyToComplaint(@Arg('id', () => ID) id: string, @Arg('message') message: string, @Ctx() ctx: HubContext): Promise<Complaint> {
    return this.service.reply(principalOf(ctx), id, message);
  }

  @Authorized(...STAFF)
  @Mutation(() => Complaint, { description: 'Stops the resolution clock (and the first-reply clock if still running)' })
  resolveComplaint(@Arg('id', () => ID) id: string, @Arg('resolution') resolution: string, @Ctx() ctx: HubContext): Promise<Complaint> {
    return this.service.resolve(principalOf(ctx), id, resolution);
  }

  @Authorized(...STAFF)
  @Mutation(() => Complaint, { description: 'Closes a resolved complaint the customer did not rate' })
  closeComplaint(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: HubContext,
    @Arg('note', () => String, { nullable: true }) note?: string,
  ): Promise<Complaint> {
    return this.service.close(principalOf(ctx), id, note);
  }

  @Authorized(Role.CUSTOMER)
  @Mutation(() => Complaint, { description: 'The customer rates how its complaint was handled; closes it' })
  rateComplaintHandling(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: RateComplaintInput,
    @Ctx() ctx: HubContext,
  ): Promise<Complaint> {
    return this.service.rate(principalOf(ctx), id, input);
  }

  @FieldResolver(() => [ComplaintEvent])
  timeline(@Root() complaint: Complaint, @Ctx() ctx: HubContext): Promise<ComplaintEvent[]> {
    return ctx.loaders.get<string, ComplaintEvent[]>('complaint.events', (ids) => this.service.eventsFor(ids)).load(complaint.id);
  }

  @FieldResolver(() => Customer)
  customer(@Root() complaint: Complaint, @Ctx() ctx: HubContext): Promise<Customer> {
    return customerLoader(ctx).load(complaint.customerId);
  }
}
