import { Arg, Authorized, Ctx, Field, FieldResolver, ID, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { In } from 'typeorm';
import { Role } from '../../platform/auth/principal';
import { HubContext, principalOf } from '../../platform/graphql/context';
import type { Hub } from '../../platform/hub';
import { IncidentChannel, ManagementLevel } from '../incidents/incident.enums';
import { Contact, ContractEscalationPlan } from './contact.entity';
import { ContactFilter, CreateContactInput, EscalationPlanInput, UpdateContactInput } from './contacts.inputs';
import { ContactsService } from './contacts.service';

@ObjectType()
class LevelContacts {
  @Field(() => ManagementLevel) level: ManagementLevel;
  @Field(() => [Contact]) contacts: Contact[];
}

@ObjectType()
class ChannelResponse {
  @Field(() => IncidentChannel) channel: IncidentChannel;
  @Field() response: string;
}

@Resolver(() => Contact)
export class ContactResolver {
  private readonly service: ContactsService;
  constructor(hub: Hub) {
    this.service = hub.get(ContactsService);
  }

  @Authorized(Role.ADMIN, Role.OPERATOR, Role.CUSTOMER, Role.PARTNER)
  @Query(() => [Contact], { description: "Contacts the key may see: staff all, a customer its own, a partner its centre's" })
  contacts(@Ctx() ctx: HubContext, @Arg('filter', () => ContactFilter, { nullable: true }) filter?: ContactFilter): Promise<Contact[]> {
    return this.service.list(principalOf(ctx), filter);
  }

  @Authorized(Role.ADMIN, Role.OPERATOR, Role.CUSTOMER, Role.PARTNER)
  @Mutation(() => Contact)
  createContact(@Ctx() ctx: HubContext, @Arg('input') input: CreateContactInput): Promise<Contact> {
    return this.service.create(principalOf(ctx), input);
  }

  @Authorized(Role.ADMIN, Role.OPERATOR, Role.CUSTOMER, Role.PARTNER)
  @Mutation(() => Contact)
  updateContact(@Ctx() ctx: HubContext, @Arg('id', () => ID) id: string, @Arg('input') input: UpdateContactInput): Promise<Contact> {
    return this.service.update(principalOf(ctx), id, input);
  }

  @Authorized(Role.ADMIN, Role.OPERATOR, Role.CUSTOMER, Role.PARTNER)
  @Mutation(() => Boolean)
  deleteContact(@Ctx() ctx: HubContext, @Arg('id', () => ID) id: string): Promise<boolean> {
    return this.service.remove(principalOf(ctx), id);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'Host of the IM robot webhook (the URL itself holds a token and is never shown)',
  })
  imWebhookHost(@Root() contact: Contact): string | null {
    if (!contact.imWebhookUrl) return null;
    try {
      return new URL(contact.imWebhookUrl).host;
    } catch {
      return null;
    }
  }
}

@Resolver(() => ContractEscalationPlan)
export class EscalationPlanResolver {
  private readonly service: ContactsService;
  constructor(private readonly hub: Hub) {
    this.service = hub.get(ContactsService);
  }

  @Authorized(Role.ADMIN, Role.OPERATOR)
  @Query(() => ContractEscalationPlan, {
    nullable: true,
    description: 'Who is told at each level of a contract, its day-based step and per-channel response targets',
  })
  escalationPlan(@Arg('contractId', () => ID) contractId: string): Promise<ContractEscalationPlan | null> {
    return this.service.plan(contractId);
  }

  @Authorized(Role.ADMIN, Role.OPERATOR)
  @Mutation(() => ContractEscalationPlan, {
    description: 'Sets (replaces) the escalation plan of a contract; applies to incidents from the next step or report on',
  })
  setEscalationPlan(@Arg('input') input: EscalationPlanInput): Promise<ContractEscalationPlan> {
    return this.service.setPlan(input);
  }

  @FieldResolver(() => [LevelContacts])
  async levels(@Root() plan: ContractEscalationPlan): Promise<LevelContacts[]> {
    const ids = Object.values(plan.contactsByLevel).flat();
    const contacts = ids.length > 0 ? await this.hub.db.manager.findBy(Contact, { id: In(ids) }) : [];
    return Object.values(ManagementLevel).flatMap((level) => {
      const named = plan.contactsByLevel[level];
      return named ? [{ level, contacts: named.flatMap((id) => contacts.filter((c) => c.id === id)) }] : [];
    });
  }

  @FieldResolver(() => [ChannelResponse])
  responseByChannel(@Root() plan: ContractEscalationPlan): ChannelResponse[] {
    return Object.entries(plan.responseByChannel).map(([channel, response]) => ({
      channel: channel as IncidentChannel,
      response: response!,
    }));
  }
}
