import { IANAZone } from 'luxon';
import { Brackets, EntityManager, In } from 'typeorm';
import { isStaff, Principal, Role } from '../../platform/auth/principal';
import { newId } from '../../platform/db/columns';
import type { Tx } from '../../platform/db/database';
import { badInput, conflict, notFound } from '../../platform/errors';
import type { Hub } from '../../platform/hub';
import { Customer, Device, DistanceClass } from '../customers/customer.entity';
import type { Coverage } from '../sla/rules/coverage';
import { DEFAULT_ESCALATION_POLICY, EscalationPolicy } from '../sla/rules/escalation';
import type { SeverityTargets } from '../sla/rules/severity-targets';
import type { ClockKind } from '../sla/rules/sla-clock';
import type { Severity } from '../sla/sla.enums';
import {
  coverageFor,
  PlanProblem,
  progressIntervalMs,
  severityTargets,
  StoredCoverage,
  StoredTargets,
  validatePlan,
  validatePolicy,
} from '../sla/contract-plan';
import { AssignmentSubject, ContractAssignment, ContractKind, CoverageType, ServiceContract } from './contract.entity';
import type {
  AssignContractInput,
  CreateContractInput,
  EscalationPolicyInput,
  SeverityTargetInput,
  UpdateContractTargetsInput,
} from './contracts.inputs';

/** Runs in the transaction that changed a contract's targets, so open incidents re-baseline in the same commit. */
export type ContractChangeListener = (tx: Tx, contract: ServiceContract) => Promise<void>;

export interface ResolvedContract {
  contract: ServiceContract;
  /** Why this contract applies (kept in the incident timeline). */
  reason: string;
}

export class ContractsService {
  private readonly listeners: ContractChangeListener[] = [];

  constructor(private readonly hub: Hub) {}

  onTargetsChanged(listener: ContractChangeListener): void {
    this.listeners.push(listener);
  }

  // ---- reads -----------------------------------------------------------------

  /**
   * Staff see every contract. A customer sees its own contracts and the plans
   * that cover it (assigned to it or its devices); other tenants see none.
   */
  async list(principal: Principal): Promise<ServiceContract[]> {
    const qb = this.hub.db.manager.createQueryBuilder(ServiceContract, 'c').orderBy('c.code', 'ASC');
    if (!isStaff(principal)) {
      if (principal.role !== Role.CUSTOMER || principal.visibleScopeIds.length === 0) return [];
      const ids = principal.visibleScopeIds;
      qb.where(
        new Brackets((w) =>
          w
            .where('c.customerId IN (:...ids)', { ids })
            .orWhere('c.id IN (SELECT a.contractId FROM contract_assignments a WHERE a.customerId IN (:...ids))', { ids })
            .orWhere('c.id IN (SELECT d.contractId FROM devices d WHERE d.customerId IN (:...ids) AND d.contractId IS NOT NULL)', { ids }),
        ),
      );
    }
    return qb.getMany();
  }

  /** Not found and not visible look the same to a tenant. */
  async get(principal: Principal, id: string): Promise<ServiceContract> {
    const contract = await this.hub.db.manager.findOneBy(ServiceContract, { id });
    if (!contract || !(await this.visible(principal, contract))) throw notFound('ServiceContract', id);
    return contract;
  }

  private async visible(principal: Principal, contract: ServiceContract): Promise<boolean> {
    if (isStaff(principal)) return true;
    if (principal.role !== Role.CUSTOMER) return false;
    if (contract.customerId && principal.visibleScopeIds.includes(contract.customerId)) return true;
    return (await this.list(principal)).some((c) => c.id === contract.id);
  }

  async byIds(ids: readonly string[]): Promise<Array<ServiceContract | Error>> {
    const rows = await this.hub.db.manager.findBy(ServiceContract, { id: In([...ids]) });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? notFound('ServiceContract', id));
  }

  async find(em: EntityManager, id: string): Promise<ServiceContract> {
    const contract = await em.findOneBy(ServiceContract, { id });
    if (!contract) throw notFound('ServiceContract', id);
    return contract;
  }

  /**
   * The contract that covers a fault at `at`. A device under warranty (at
   * between warrantyStart and warrantyEnd) wants a WARRANTY plan, otherwise a
   * POST_WARRANTY plan. Whatever is said about the device itself wins over the
   * customer's defaults: its own assignment of the wanted kind, then of the
   * other kind, then the contract it was registered with; then the customer's
   * default of the wanted kind, then of the other kind (covered by some plan
   * rather than left without deadlines). Site-level faults (no device) use the
   * customer's default, post-warranty first.
   */
  async resolve(em: EntityManager, customerId: string, device: Device | null, at: Date): Promise<ResolvedContract | null> {
    const assignments = await em.find(ContractAssignment, {
      where: [
        { subjectType: AssignmentSubject.CUSTOMER, subjectId: customerId },
        ...(device ? [{ subjectType: AssignmentSubject.DEVICE, subjectId: device.id }] : []),
      ],
    });
    const pick = (type: AssignmentSubject, kind: ContractKind) =>
      assignments.find((a) => a.subjectType === type && a.kind === kind)?.contractId;
    const wanted = device ? (inWarranty(device, at) ? ContractKind.WARRANTY : ContractKind.POST_WARRANTY) : ContractKind.POST_WARRANTY;
    const other = wanted === ContractKind.WARRANTY ? ContractKind.POST_WARRANTY : ContractKind.WARRANTY;
    const candidates: Array<{ id: string | null | undefined; why: string }> = [
      { id: pick(AssignmentSubject.DEVICE, wanted), why: `device assignment (${wanted})` },
      { id: pick(AssignmentSubject.DEVICE, other), why: `device assignment (${other}; no ${wanted} plan for the device)` },
      { id: device?.contractId, why: 'contract the device was registered with' },
      { id: pick(AssignmentSubject.CUSTOMER, wanted), why: `customer default (${wanted})` },
      { id: pick(AssignmentSubject.CUSTOMER, other), why: `customer default (${other}; no ${wanted} plan)` },
    ];
    const ids = [...new Set(candidates.map((c) => c.id).filter((id): id is string => !!id))];
    if (ids.length === 0) return null;
    const contracts = new Map((await em.findBy(ServiceContract, { id: In(ids) })).map((c) => [c.id, c]));
    const usable = (id: string | null | undefined) => {
      const c = id ? contracts.get(id) : undefined;
      return c && (!c.customerId || c.customerId === customerId) ? c : undefined;
    };
    for (const candidate of candidates) {
      const c = usable(candidate.id);
      if (c) return { contract: c, reason: candidate.why };
    }
    return null;
  }

  // ---- the plan as rule inputs -----------------------------------------------

  targets(contract: ServiceContract, severity: Severity, distance: DistanceClass): SeverityTargets {
    return severityTargets(contract.targets, severity, distance);
  }

  coverage(contract: ServiceContract, timeZone: string): Coverage {
    const r = coverageFor(contract.coverage, timeZone);
    if (!r.ok) throw badInput(`Contract ${contract.code} coverage cannot be used in time zone ${timeZone}`, { reason: r.error.code });
    return r.value;
  }

  policy(contract: ServiceContract | null): EscalationPolicy {
    return contract?.escalationPolicy ?? DEFAULT_ESCALATION_POLICY;
  }

  progressIntervalMs(contract: ServiceContract | null): number {
    const r = progressIntervalMs(contract?.emergencyProgressInterval ?? 'PT1H');
    return r.ok ? r.value : 3_600_000;
  }

  /** The calendar region a site's clocks use under this contract. */
  calendarRegion(contract: ServiceContract, siteRegion: string | null): string {
    return contract.calendarRegion ?? siteRegion ?? 'CN';
  }

  // ---- commands --------------------------------------------------------------

  async create(input: CreateContractInput, actor: string): Promise<ServiceContract> {
    const coverage: StoredCoverage = {
      type: input.coverage.type,
      windows: input.coverage.windows.map((w) => ({ start: w.start, end: w.end })),
    };
    const targets = targetsFromInput(input.targets);
    const policy = policyFromInput(input.escalationPolicy);
    assertTimeZone(input.timeZone);
    assertValid([
      ...validatePlan(coverage, targets, input.timeZone),
      ...validatePolicy(policy),
      ...intervalProblems(input.emergencyProgressInterval),
    ]);
    return this.hub.db.transaction(async (tx) => {
      if (input.customerId && !(await tx.em.findOneBy(Customer, { id: input.customerId }))) throw notFound('Customer', input.customerId);
      if (await tx.em.findOneBy(ServiceContract, { code: input.code }))
        throw conflict(`A contract with code ${input.code} exists`, { field: 'code' });
      const now = new Date();
      const contract = Object.assign(new ServiceContract(), {
        id: newId(),
        code: input.code,
        name: input.name,
        customerId: input.customerId ?? null,
        kind: input.kind,
        coverage,
        calendarRegion: input.calendarRegion ?? null,
        timeZone: input.timeZone,
        targets,
        escalationPolicy: policy,
        emergencyProgressInterval: input.emergencyProgressInterval,
        createdAt: now,
        updatedAt: now,
        version: 1,
      });
      await tx.em.insert(ServiceContract, contract);
      this.hub.log.info({ contract: contract.code, actor }, 'contract created');
      return contract;
    });
  }

  /**
   * New targets, policy or progress interval. Coverage is fixed for the life of
   * a contract: open incidents keep their accumulated business time only if
   * the meaning of "business time" does not change under them.
   */
  async updateTargets(id: string, input: UpdateContractTargetsInput, actor: string): Promise<ServiceContract> {
    if (!input.targets && !input.escalationPolicy && !input.emergencyProgressInterval)
      throw badInput('Nothing to change: give targets, escalationPolicy or emergencyProgressInterval');
    return this.hub.db.transaction(async (tx) => {
      const contract = await tx.em.findOne(ServiceContract, { where: { id }, lock: this.hub.db.lockMode() });
      if (!contract) throw notFound('ServiceContract', id);
      const targets = input.targets ? targetsFromInput(input.targets) : contract.targets;
      const policy = input.escalationPolicy ? policyFromInput(input.escalationPolicy) : contract.escalationPolicy;
      const interval = input.emergencyProgressInterval ?? contract.emergencyProgressInterval;
      assertValid([
        ...validatePlan(contract.coverage, targets, contract.timeZone),
        ...validatePolicy(policy),
        ...intervalProblems(interval),
      ]);
      Object.assign(contract, {
        targets,
        escalationPolicy: policy,
        emergencyProgressInterval: interval,
        updatedAt: new Date(),
        version: contract.version + 1,
      });
      await tx.em.update(
        ServiceContract,
        { id },
        {
          targets,
          escalationPolicy: policy,
          emergencyProgressInterval: interval,
          updatedAt: contract.updatedAt,
          version: contract.version,
        },
      );
      this.hub.log.info({ contract: contract.code, actor, version: contract.version }, 'contract targets updated');
      for (const listener of this.listeners) await listener(tx, contract);
      return contract;
    });
  }

  /** Assigns a contract to one device, or makes it a customer's default, for the contract's kind (replacing the previous one). */
  async assign(input: AssignContractInput, actor: string): Promise<ContractAssignment> {
    if (!!input.deviceId === !!input.customerId) throw badInput('Give exactly one of deviceId and customerId', { field: 'deviceId' });
    return this.hub.db.transaction(async (tx) => {
      const contract = await tx.em.findOneBy(ServiceContract, { id: input.contractId });
      if (!contract) throw notFound('ServiceContract', input.contractId);
      let subjectType: AssignmentSubject;
      let subjectId: string;
      let customerId: string;
      if (input.deviceId) {
        const device = await tx.em.findOneBy(Device, { id: input.deviceId });
        if (!device) throw notFound('Device', input.deviceId);
        [subjectType, subjectId, customerId] = [AssignmentSubject.DEVICE, device.id, device.customerId];
      } else {
        const customer = await tx.em.findOneBy(Customer, { id: input.customerId! });
        if (!customer) throw notFound('Customer', input.customerId!);
        [subjectType, subjectId, customerId] = [AssignmentSubject.CUSTOMER, customer.id, customer.id];
      }
      if (contract.customerId && contract.customerId !== customerId)
        throw badInput(`Contract ${contract.code} belongs to another customer`, { field: 'contractId' });
      const existing = await tx.em.findOne(ContractAssignment, {
        where: { subjectType, subjectId, kind: contract.kind },
        lock: this.hub.db.lockMode(),
      });
      const row = Object.assign(existing ?? new ContractAssignment(), {
        id: existing?.id ?? newId(),
        contractId: contract.id,
        subjectType,
        subjectId,
        kind: contract.kind,
        customerId,
        assignedAt: new Date(),
        assignedBy: actor,
      });
      if (existing) await tx.em.update(ContractAssignment, { id: row.id }, row);
      else await tx.em.insert(ContractAssignment, row);
      return row;
    });
  }
}

export function inWarranty(device: Pick<Device, 'warrantyStart' | 'warrantyEnd'>, at: Date): boolean {
  if (!device.warrantyEnd) return false;
  return at <= device.warrantyEnd && (!device.warrantyStart || at >= device.warrantyStart);
}

function targetsFromInput(list: SeverityTargetInput[]): StoredTargets {
  const out: StoredTargets = {};
  for (const [index, t] of list.entries()) {
    if (out[t.severity]) throw badInput(`Targets for ${t.severity} are given twice`, { field: `targets.${index}.severity` });
    const onSite = t.onSite
      ? Object.fromEntries(
          Object.entries({ URBAN: t.onSite.urban, SUBURBAN: t.onSite.suburban, REMOTE: t.onSite.remote }).filter(([, v]) => !!v),
        )
      : null;
    out[t.severity] = { response: t.response, restore: t.restore, onSite: onSite && Object.keys(onSite).length > 0 ? onSite : null };
  }
  return out;
}

function policyFromInput(input: EscalationPolicyInput | undefined): EscalationPolicy {
  if (!input) return DEFAULT_ESCALATION_POLICY;
  const onBreach = { ...DEFAULT_ESCALATION_POLICY.onBreach } as Record<ClockKind, EscalationPolicy['onBreach'][ClockKind]>;
  const seen = new Set<string>();
  for (const [index, rule] of input.onBreach.entries()) {
    if (seen.has(rule.clock)) throw badInput(`The rule for ${rule.clock} is given twice`, { field: `escalationPolicy.onBreach.${index}` });
    seen.add(rule.clock);
    onBreach[rule.clock] = {
      raiseSeverity: rule.raiseSeverity,
      raiseManagementLevel: rule.raiseManagementLevel,
      raiseSupportTier: rule.raiseSupportTier,
    };
  }
  return { warnAtRatio: input.warnAtRatio, onBreach };
}

function intervalProblems(iso: string): PlanProblem[] {
  const r = progressIntervalMs(iso);
  return r.ok ? [] : [{ field: 'emergencyProgressInterval', message: r.error }];
}

function assertTimeZone(zone: string): void {
  if (!IANAZone.create(zone).isValid) throw badInput(`Unknown time zone ${zone}`, { field: 'timeZone' });
}

function assertValid(problems: PlanProblem[]): void {
  if (problems.length > 0) throw badInput(`Invalid contract: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, { problems });
}

export function coverageLabel(coverage: StoredCoverage): string {
  if (coverage.type === CoverageType.SEVEN_BY_24) return '7x24';
  return `working days ${coverage.windows.map((w) => `${w.start}-${w.end}`).join(', ')}`;
}
