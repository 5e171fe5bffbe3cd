import { EntityManager, In } from 'typeorm';
import type { Principal } from '../../platform/auth/principal';
import { scopeQuery } from '../../platform/auth/scope';
import { newId } from '../../platform/db/columns';
import { AppError, conflict, ErrorCode, notFound } from '../../platform/errors';
import type { Hub } from '../../platform/hub';
import { makeEnvelope } from '../../platform/kafka/event-bus';
import { Device } from '../customers/customer.entity';
import { NoticeKind } from '../notices/notice.entity';
import { NoticesService } from '../notices/notices.service';
import { actorOf } from './access';
import type { AnnouncePartEolInput, CreatePartInput, PartFilter } from './inventory.inputs';
import { INVENTORY_EVENTS, PartEolAnnouncedPayload } from './inventory.events';
import { Part, PartFitment, PartLifecycle } from './part.entity';
import { earliestEndOfSupply, EOL_NOTICE_MONTHS, eolNoticeLongEnough } from './rules/eol';
import { isDuplicateKey } from '../../platform/db/duplicate-key';
import { groupByKey } from '../../platform/graphql/batch';

export const END_OF_SUPPLY_JOB = 'inventory.part.endOfSupply';
const endOfSupplyKey = (partId: string) => `inventory:part:${partId}:end-of-supply`;
const MAX_SERIALS_IN_NOTICE = 50;

export interface EolImpactGroup {
  customerId: string;
  devices: Device[];
}
export interface EolImpactResult {
  part: Part;
  deviceCount: number;
  customers: EolImpactGroup[];
}

export class PartsService {
  constructor(private readonly hub: Hub) {}

  private get em() {
    return this.hub.db.manager;
  }

  list(filter: PartFilter = {}): Promise<Part[]> {
    const qb = this.em.createQueryBuilder(Part, 'p');
    if (filter.model) qb.andWhere('p.id IN (SELECT f.partId FROM part_fitments f WHERE f.model = :model)', { model: filter.model });
    if (filter.lifecycle) qb.andWhere('p.lifecycle = :lifecycle', { lifecycle: filter.lifecycle });
    return qb.orderBy('p.partNumber').getMany();
  }

  async get(partNumber: string): Promise<Part> {
    return this.require(this.em, partNumber);
  }

  async require(em: EntityManager, partNumber: string): Promise<Part> {
    const part = await em.findOneBy(Part, { partNumber });
    if (!part) throw notFound('Part', partNumber);
    return part;
  }

  async create(input: CreatePartInput): Promise<Part> {
    const part = Object.assign(new Part(), {
      id: newId(),
      partNumber: input.partNumber,
      manufacturer: input.manufacturer,
      description: input.description,
      lifecycle: PartLifecycle.ACTIVE,
      endOfSupply: null,
      eolAnnouncedAt: null,
      createdAt: new Date(),
    });
    const models = [...new Set(input.fitsModels.map((m) => m.trim()).filter(Boolean))];
    try {
      await this.hub.db.transaction(async (tx) => {
        await tx.em.insert(Part, part);
        if (models.length > 0)
          await tx.em.insert(
            PartFitment,
            models.map((model) => ({ id: newId(), partId: part.id, model })),
          );
      });
    } catch (error) {
      if (isDuplicateKey(error)) throw conflict(`Part ${input.partNumber} exists`, { field: 'partNumber' });
      throw error;
    }
    return part;
  }

  /**
   * Marks the part EOL and tells every customer with an active device the part
   * fits, in the same transaction: the announcement and the notices stand or
   * fall together. Each customer's notice lists its own affected serials.
   */
  async announceEol(principal: Principal, input: AnnouncePartEolInput): Promise<Part> {
    const now = new Date();
    if (!input.force && !eolNoticeLongEnough(now, input.endOfSupply))
      throw new AppError(
        ErrorCode.PARTS_POLICY_VIOLATION,
        `End of supply must be at least ${EOL_NOTICE_MONTHS} months ahead (not before ${earliestEndOfSupply(now).toISOString()}); pass force to announce anyway`,
        {
          reason: 'EOL_NOTICE_TOO_SHORT',
          field: 'endOfSupply',
          requiredNoticeMonths: EOL_NOTICE_MONTHS,
          earliestEndOfSupply: earliestEndOfSupply(now).toISOString(),
        },
      );
    return this.hub.db.transaction(async (tx) => {
      const part = await tx.em.findOne(Part, { where: { partNumber: input.partNumber }, lock: this.hub.db.lockMode() });
      if (!part) throw notFound('Part', input.partNumber);
      if (part.lifecycle === PartLifecycle.DISCONTINUED)
        throw new AppError(ErrorCode.INVALID_TRANSITION, `Part ${part.partNumber} is already discontinued`, { lifecycle: part.lifecycle });
      // A retried announcement must not notify customers a second time.
      if (part.lifecycle === PartLifecycle.EOL_ANNOUNCED && part.endOfSupply?.getTime() === input.endOfSupply.getTime()) return part;

      const impact = await this.impactOf(tx.em, part, null);
      const notifyAt = input.endOfSupply.toISOString().slice(0, 10);
      const notices = this.hub.get(NoticesService);
      for (const group of impact.customers) {
        const serials = group.devices.map((d) => d.serialNumber);
        const listed = serials.slice(0, MAX_SERIALS_IN_NOTICE).join(', ');
        const more = serials.length > MAX_SERIALS_IN_NOTICE ? ` and ${serials.length - MAX_SERIALS_IN_NOTICE} more` : '';
        await notices.publish(
          {
            customerIds: [group.customerId],
            kind: NoticeKind.END_OF_LIFE,
            title: `End of supply for part ${part.partNumber} on ${notifyAt}`,
            body:
              `${part.manufacturer} will stop supplying ${part.partNumber} (${part.description}) on ${notifyAt}. ` +
              `Your affected units: ${listed}${more}.` +
              (input.note ? `\n\n${input.note}` : ''),
            publishedBy: actorOf(principal),
          },
          tx,
        );
      }
      part.lifecycle = PartLifecycle.EOL_ANNOUNCED;
      part.endOfSupply = input.endOfSupply;
      part.eolAnnouncedAt = now;
      await tx.em.update(Part, { id: part.id }, { lifecycle: part.lifecycle, endOfSupply: part.endOfSupply, eolAnnouncedAt: now });
      await this.hub.scheduler.schedule(tx, {
        kind: END_OF_SUPPLY_JOB,
        key: endOfSupplyKey(part.id),
        dueAt: input.endOfSupply,
        payload: { partId: part.id },
      });
      const payload: PartEolAnnouncedPayload = {
        partId: part.id,
        partNumber: part.partNumber,
        endOfSupply: input.endOfSupply.toISOString(),
        notifiedCustomerIds: impact.customers.map((c) => c.customerId),
        forced: input.force && !eolNoticeLongEnough(now, input.endOfSupply),
      };
      await this.hub.outbox.enqueue(tx, this.hub.config.kafka.topics.hubEvents, [
        makeEnvelope({ type: INVENTORY_EVENTS.PART_EOL_ANNOUNCED, key: part.partNumber, source: this.hub.config.instanceId, payload }),
      ]);
      return part;
    });
  }

  /** The installed base a part's EOL affects, as far as the key may see it. */
  async eolImpact(principal: Principal, partNumber: string): Promise<EolImpactResult> {
    const part = await this.require(this.em, partNumber);
    return this.impactOf(this.em, part, principal);
  }

  private async impactOf(em: EntityManager, part: Part, principal: Principal | null): Promise<EolImpactResult> {
    const qb = em
      .createQueryBuilder(Device, 'd')
      .where('d.active = :active', { active: 1 })
      .andWhere('d.model IN (SELECT f.model FROM part_fitments f WHERE f.partId = :partId)', { partId: part.id });
    if (principal) scopeQuery(qb, principal, Device);
    const devices = await qb.orderBy('d.customerId').addOrderBy('d.serialNumber').getMany();
    const byCustomer = new Map<string, Device[]>();
    for (const device of devices) byCustomer.set(device.customerId, [...(byCustomer.get(device.customerId) ?? []), device]);
    return {
      part,
      deviceCount: devices.length,
      customers: [...byCustomer.entries()].map(([customerId, list]) => ({ customerId, devices: list })),
    };
  }

  /** Scheduled at the end-of-supply date: the part can no longer be ordered from the manufacturer. */
  async discontinue(em: EntityManager, partId: string): Promise<void> {
    await em
      .createQueryBuilder()
      .update(Part)
      .set({ lifecycle: PartLifecycle.DISCONTINUED })
      .where('id = :id AND lifecycle = :eol AND endOfSupply <= :now', { id: partId, eol: PartLifecycle.EOL_ANNOUNCED, now: new Date() })
      .execute();
  }

  async partsByIds(ids: readonly string[]): Promise<Array<Part | Error>> {
    const rows = await this.em.findBy(Part, { id: In([...ids]) });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? notFound('Part', id));
  }

  async fitsModelsByPartIds(ids: readonly string[]): Promise<string[][]> {
    const rows = await this.em.find(PartFitment, { where: { partId: In([...ids]) }, order: { model: 'ASC' } });
    return groupByKey(ids, rows, (r) => r.partId).map((group) => group.map((r) => r.model));
  }
}
