import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../../platform/auth/principal';
import { HubContext, principalOf } from '../../platform/graphql/context';
import type { Hub } from '../../platform/hub';
import { SEVERITIES } from '../sla/rules/severity-targets';
import { Severity, SlaClockKind } from '../sla/sla.enums';
import { DistanceClass } from '../customers/customer.entity';
import { onSiteTargetFor } from '../sla/contract-plan';
import { ContractAssignment, CoverageView, EscalationPolicyView, ServiceContract, SeverityTargetView } from './contract.entity';
import { CreateContractInput, UpdateContractTargetsInput } from './contracts.inputs';
import { ContractsService, coverageLabel } from './contracts.service';

@Resolver(() => ServiceContract)
export class ContractResolver {
  private readonly service: ContractsService;
  constructor(hub: Hub) {
    this.service = hub.get(ContractsService);
  }

  @Authorized(Role.ADMIN, Role.OPERATOR, Role.CUSTOMER)
  @Query(() => [ServiceContract], { description: 'Contracts the key may see (a CUSTOMER key: the plans that cover its organisation)' })
  contracts(@Ctx() ctx: HubContext): Promise<ServiceContract[]> {
    return this.service.list(principalOf(ctx));
  }

  @Authorized(Role.ADMIN, Role.OPERATOR, Role.CUSTOMER)
  @Query(() => ServiceContract)
  contract(@Arg('id', () => ID) id: string, @Ctx() ctx: HubContext): Promise<ServiceContract> {
    return this.service.get(principalOf(ctx), id);
  }

  @FieldResolver(() => CoverageView)
  coverage(@Root() contract: ServiceContract): CoverageView {
    return {
      type: contract.coverage.type as CoverageView['type'],
      windows: [...contract.coverage.windows],
      label: coverageLabel(contract.coverage),
    };
  }

  @FieldResolver(() => [SeverityTargetView], { description: 'P1 to P4' })
  targets(@Root() contract: ServiceContract): SeverityTargetView[] {
    return SEVERITIES.flatMap((s) => {
      const t = contract.targets[s as Severity];
      if (!t) return [];
      return [
        {
          severity: s as Severity,
          response: t.response,
          restore: t.restore,
          onSite: {
            urban: onSiteTargetFor(t, DistanceClass.URBAN) ?? null,
            suburban: onSiteTargetFor(t, DistanceClass.SUBURBAN) ?? null,
            remote: onSiteTargetFor(t, DistanceClass.REMOTE) ?? null,
          },
        },
      ];
    });
  }

  @FieldResolver(() => EscalationPolicyView)
  escalationPolicy(@Root() contract: ServiceContract): EscalationPolicyView {
    const policy = this.service.policy(contract);
    return {
      warnAtRatio: policy.warnAtRatio,
      onBreach: (['RESPONSE', 'ON_SITE', 'RESTORE'] as const).map((clock) => ({ clock: clock as SlaClockKind, ...policy.onBreach[clock] })),
    };
  }

  @Authorized(Role.ADMIN, Role.OPERATOR)
  @Mutation(() => ServiceContract)
  createContract(@Arg('input') input: CreateContractInput, @Ctx() ctx: HubContext): Promise<ServiceContract> {
    return this.service.create(input, principalOf(ctx).name);
  }

  @Authorized(Role.ADMIN, Role.OPERATOR)
  @Mutation(() => ServiceContract, {
    description:
      'Changes targets / escalation policy / progress interval; open incidents under the contract re-baseline and keep the time already used',
  })
  updateContractTargets(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: UpdateContractTargetsInput,
    @Ctx() ctx: HubContext,
  ): Promise<ServiceContract> {
    return this.service.updateTargets(id, input, principalOf(ctx).name);
  }

  @Authorized(Role.ADMIN, Role.OPERATOR)
  @Mutation(() => ContractAssignment, {
    description: 'Assigns a contract to a device, or makes it a customer default; applies to incidents reported from now on',
  })
  assignContract(
    @Arg('contractId', () => ID) contractId: string,
    @Ctx() ctx: HubContext,
    @Arg('deviceId', () => ID, { nullable: true, description: 'Assign to this device (wins over customer defaults)' }) deviceId?: string,
    @Arg('customerId', () => ID, {
      nullable: true,
      description: 'Make it the customer default for its kind of plan and for site-level incidents',
    })
    customerId?: string,
  ): Promise<ContractAssignment> {
    return this.service.assign({ contractId, deviceId, customerId }, principalOf(ctx).name);
  }
}
