import { In, IsNull } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { isStaff, Principal, Role } from '../../platform/auth/principal';
import { canSee, scopeQuery } from '../../platform/auth/scope';
import { newId } from '../../platform/db/columns';
import { badInput, notFound } from '../../platform/errors';
import type { Hub } from '../../platform/hub';
import { checkTargetNow, checkTargetUrl } from '../../platform/http/target-guard';
import { ServiceContract } from '../contracts/contract.entity';
import { Customer } from '../customers/customer.entity';
import { IncidentChannel, ManagementLevel } from '../incidents/incident.enums';
import { parseSlaDuration } from '../sla/rules/sla-duration';
import { SupportCentre } from '../support-network/support-centre.entity';
import { Contact, ContractEscalationPlan, StepDays } from './contact.entity';
import type { ContactFilter, CreateContactInput, EscalationPlanInput, UpdateContactInput } from './contacts.inputs';
import { ContactProblem, parseStepPeriod, validateContact } from './rules/contact-rules';

function assertValid(problems: ContactProblem[]): void {
  if (problems.length > 0)
    throw badInput(problems.map((p) => `${p.field}: ${p.message}`).join('; '), { field: problems[0].field, validation: problems });
}

const trimmed = (v: string | null | undefined): string | null => (v === undefined || v === null ? null : v.trim() || null);

export class ContactsService {
  constructor(private readonly hub: Hub) {}

  /** The robot URL must not resolve to refused addresses now (it is checked again at each send: DNS may change). */
  private async assertRobotTarget(url: string | null | undefined): Promise<void> {
    // A malformed URL is reported by validateContact with the other problems.
    if (!url || !checkTargetUrl(url).ok) return;
    // A name that does not resolve at the moment is accepted: the send-time check decides then.
    const refused = await checkTargetNow(url, this.hub.config.connectors.webhooks.allowedTargetRanges, { allowUnresolved: true });
    if (refused)
      throw badInput(`imWebhookUrl: ${refused}`, {
        field: 'imWebhookUrl',
        reason: 'TARGET_NOT_ALLOWED',
        validation: [{ field: 'imWebhookUrl', message: refused }],
      });
  }

  list(principal: Principal, filter: ContactFilter | undefined): Promise<Contact[]> {
    const qb = scopeQuery(this.hub.db.manager.createQueryBuilder(Contact, 'c'), principal, Contact);
    if (filter?.customerId) qb.andWhere('c.customerId = :customerId', { customerId: filter.customerId });
    if (filter?.centreId) qb.andWhere('c.centreId = :centreId', { centreId: filter.centreId });
    if (filter?.level) qb.andWhere('c.level = :level', { level: filter.level });
    return qb.orderBy('c.name', 'ASC').addOrderBy('c.id', 'ASC').limit(this.hub.config.graphql.maxPageSize).getMany();
  }

  async get(principal: Principal, id: string): Promise<Contact> {
    const contact = await this.hub.db.manager.findOneBy(Contact, { id });
    if (!contact || !canSee(principal, Contact, contact)) throw notFound('Contact', id);
    return contact;
  }

  /** Staff create any contact; a customer only its own, a partner only its centre's (the scope is filled in when left out). */
  async create(principal: Principal, input: CreateContactInput): Promise<Contact> {
    let customerId = input.customerId ?? null;
    let centreId = input.centreId ?? null;
    if (principal.role === Role.CUSTOMER) {
      if (centreId) throw badInput('A customer key manages its own contacts only', { field: 'centreId' });
      customerId ??= principal.scopeId;
      if (!customerId || !principal.visibleScopeIds.includes(customerId)) throw notFound('Customer', customerId ?? '');
    } else if (principal.role === Role.PARTNER) {
      if (customerId) throw badInput("A partner key manages its centre's contacts only", { field: 'customerId' });
      centreId ??= principal.scopeId;
      if (!centreId || !principal.visibleScopeIds.includes(centreId)) throw notFound('SupportCentre', centreId ?? '');
    } else if (!isStaff(principal)) throw notFound('Customer', customerId ?? '');
    const fields = {
      customerId,
      centreId,
      email: trimmed(input.email),
      imWebhookUrl: trimmed(input.imWebhookUrl),
      imChannel: input.imChannel ?? null,
      onDutyHours: trimmed(input.onDutyHours),
    };
    assertValid(validateContact(fields));
    await this.assertRobotTarget(fields.imWebhookUrl);
    return this.hub.db.transaction(async (tx) => {
      if (customerId && !(await tx.em.existsBy(Customer, { id: customerId }))) throw notFound('Customer', customerId);
      if (centreId && !(await tx.em.existsBy(SupportCentre, { id: centreId }))) throw notFound('SupportCentre', centreId);
      const now = new Date();
      const contact = Object.assign(new Contact(), {
        id: newId(),
        ...fields,
        level: input.level,
        name: input.name.trim(),
        role: trimmed(input.role),
        phone: trimmed(input.phone),
        language: input.language,
        active: true,
        createdAt: now,
        updatedAt: now,
      });
      await tx.em.insert(Contact, contact);
      return contact;
    });
  }

  async update(principal: Principal, id: string, input: UpdateContactInput): Promise<Contact> {
    // Before the transaction: a DNS lookup must not hold row locks.
    await this.assertRobotTarget(trimmed(input.imWebhookUrl));
    return this.hub.db.transaction(async (tx) => {
      const contact = await tx.em.findOne(Contact, { where: { id }, lock: this.hub.db.lockMode() });
      if (!contact || !canSee(principal, Contact, contact)) throw notFound('Contact', id);
      const set = <K extends keyof Contact>(key: K, value: Contact[K] | undefined) => {
        if (value !== undefined) contact[key] = value;
      };
      set('level', input.level ?? undefined);
      set('name', input.name?.trim());
      set('role', input.role === undefined ? undefined : trimmed(input.role));
      set('email', input.email === undefined ? undefined : trimmed(input.email));
      set('phone', input.phone === undefined ? undefined : trimmed(input.phone));
      set('imWebhookUrl', input.imWebhookUrl === undefined ? undefined : trimmed(input.imWebhookUrl));
      set('imChannel', input.imChannel);
      set('language', input.language ?? undefined);
      set('onDutyHours', input.onDutyHours === undefined ? undefined : trimmed(input.onDutyHours));
      set('active', input.active ?? undefined);
      assertValid(validateContact(contact));
      contact.updatedAt = new Date();
      const { id: key, ...fields } = contact;
      await tx.em.update(Contact, { id: key }, fields);
      return contact;
    });
  }

  async remove(principal: Principal, id: string): Promise<boolean> {
    const contact = await this.get(principal, id);
    await this.hub.db.manager.delete(Contact, { id: contact.id });
    return true;
  }

  // ---- the people side of a contract's escalation policy -------------------

  async plan(contractId: string, em: EntityManager = this.hub.db.manager): Promise<ContractEscalationPlan | null> {
    return em.findOneBy(ContractEscalationPlan, { contractId });
  }

  async setPlan(input: EscalationPlanInput): Promise<ContractEscalationPlan> {
    const problems: ContactProblem[] = [];
    const stepAfter = trimmed(input.stepAfter);
    if (stepAfter) {
      const p = parseStepPeriod(stepAfter, input.stepDays);
      if (!p.ok) problems.push({ field: 'stepAfter', message: p.error });
    }
    const responseByChannel: Partial<Record<IncidentChannel, string>> = {};
    input.responseByChannel.forEach((r, i) => {
      const d = parseSlaDuration(r.response);
      if (!d.ok || d.value.days * 86_400_000 + d.value.timeMs <= 0)
        problems.push({
          field: `responseByChannel.${i}.response`,
          message: `${r.response} is not a positive ISO-8601 duration such as PT15M`,
        });
      else if (responseByChannel[r.channel])
        problems.push({ field: `responseByChannel.${i}.channel`, message: `${r.channel} is given twice` });
      else responseByChannel[r.channel] = r.response;
    });
    const contactsByLevel: Partial<Record<ManagementLevel, string[]>> = {};
    input.levels.forEach((l, i) => {
      if (contactsByLevel[l.level]) problems.push({ field: `levels.${i}.level`, message: `${l.level} is given twice` });
      else contactsByLevel[l.level] = [...new Set(l.contactIds)];
    });
    assertValid(problems);
    return this.hub.db.transaction(async (tx) => {
      if (!(await tx.em.existsBy(ServiceContract, { id: input.contractId }))) throw notFound('ServiceContract', input.contractId);
      const ids = [...new Set(Object.values(contactsByLevel).flat())];
      if (ids.length > 0) {
        const found = await tx.em.find(Contact, { where: { id: In(ids) }, select: { id: true } });
        const missing = ids.filter((id) => !found.some((c) => c.id === id));
        if (missing.length > 0) throw notFound('Contact', missing.join(','));
      }
      const existing = await tx.em.findOne(ContractEscalationPlan, {
        where: { contractId: input.contractId },
        lock: this.hub.db.lockMode(),
      });
      const plan = Object.assign(existing ?? new ContractEscalationPlan(), {
        id: existing?.id ?? newId(),
        contractId: input.contractId,
        contactsByLevel,
        stepAfter,
        stepDays: input.stepDays ?? StepDays.CALENDAR,
        responseByChannel,
        updatedAt: new Date(),
        version: (existing?.version ?? 0) + 1,
      });
      if (existing) await tx.em.update(ContractEscalationPlan, { id: plan.id }, plan);
      else await tx.em.insert(ContractEscalationPlan, plan);
      return plan;
    });
  }

  /** Every active contact who may hear about an incident of this customer worked by this centre: the desk's, the centre's, the customer's. */
  async inScopeOf(em: EntityManager, incident: { customerId: string; assignedCentreId: string | null }): Promise<Contact[]> {
    const where = [
      { active: true, customerId: IsNull(), centreId: IsNull() },
      { active: true, customerId: incident.customerId },
      ...(incident.assignedCentreId ? [{ active: true, centreId: incident.assignedCentreId }] : []),
    ];
    return em.find(Contact, { where, order: { id: 'ASC' } });
  }
}
