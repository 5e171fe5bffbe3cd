import { EntityManager, In } from 'typeorm';
import { selectByIds } from '../../platform/db/raw-sql';
import { Role, type Principal } from '../../platform/auth/principal';
import { canSee, scopeQuery } from '../../platform/auth/scope';
import { newId } from '../../platform/db/columns';
import type { Tx } from '../../platform/db/database';
import { AppError, badInput, conflict, ErrorCode, notFound } from '../../platform/errors';
import type { Hub } from '../../platform/hub';
import { ancestorIds, descendantIds, escalationTarget, validateCentrePlacement } from './rules/hierarchy';
import { CentreEscalation, SupportCentre } from './support-centre.entity';
import type { CreateSupportCentreInput } from './support-network.inputs';

export type EscalationSubject = 'RMA' | 'INCIDENT';

/**
 * The support network: centres, their escalation path, and the record of
 * escalations. Other modules (RMA, incidents) use it to resolve a Kafka source
 * to a centre, to find who is above or below a centre, and to record moves.
 */
export class SupportNetworkService {
  /** The network as last read by `networkCovering`. */
  private knownNetwork: SupportCentre[] | null = null;

  constructor(private readonly hub: Hub) {}

  private get em(): EntityManager {
    return this.hub.db.manager;
  }

  /** For PARTNER keys: the centre itself is added by the platform; this adds every centre below it. */
  async expandPartnerScope(role: Role, scopeId: string): Promise<string[]> {
    if (role !== Role.PARTNER) return [];
    return descendantIds(await this.allCentres(), scopeId);
  }

  /** The whole network. It is small (tens of centres) and read in one statement. */
  allCentres(em: EntityManager = this.em): Promise<SupportCentre[]> {
    return em.find(SupportCentre, { order: { tier: 'DESC', code: 'ASC' } });
  }

  /**
   * The whole network, from memory when the copy there has every centre asked
   * for, else read again (through `em`). Centres are only ever added, never
   * changed or removed, and a centre's parent exists before it: a copy that
   * holds the centres asked for holds their whole escalation paths too, exactly
   * as the database has them. For hot paths (every inbound event).
   */
  async networkCovering(
    em: EntityManager,
    wanted: {
      ids?: ReadonlyArray<string | null | undefined>;
      codes?: ReadonlyArray<string | null | undefined>;
      sources?: readonly string[];
    },
  ): Promise<SupportCentre[]> {
    const known = this.knownNetwork;
    if (known && covers(known, wanted)) return known;
    const fresh = await this.allCentres(em);
    // Shared with every caller: `em` must not belong to a transaction that creates centres (it could roll back).
    this.knownNetwork = fresh;
    return fresh;
  }

  listCentres(principal: Principal): Promise<SupportCentre[]> {
    return scopeQuery(this.em.createQueryBuilder(SupportCentre, 'c'), principal, SupportCentre)
      .orderBy('c.tier', 'DESC')
      .addOrderBy('c.code', 'ASC')
      .getMany();
  }

  async getCentre(principal: Principal, id: string): Promise<SupportCentre> {
    const centre = await this.em.findOneBy(SupportCentre, { id });
    if (!centre || !canSee(principal, SupportCentre, centre)) throw notFound('SupportCentre', id);
    return centre;
  }

  findBySource(source: string, em: EntityManager = this.em): Promise<SupportCentre | null> {
    return em.findOneBy(SupportCentre, { kafkaSourceId: source });
  }

  findByCode(code: string, em: EntityManager = this.em): Promise<SupportCentre | null> {
    return em.findOneBy(SupportCentre, { code });
  }

  async ancestorsOf(centreId: string, em: EntityManager = this.em): Promise<string[]> {
    return ancestorIds(await this.allCentres(em), centreId);
  }

  async descendantsOf(centreId: string, em: EntityManager = this.em): Promise<string[]> {
    return descendantIds(await this.allCentres(em), centreId);
  }

  async createCentre(input: CreateSupportCentreInput, tx?: Tx): Promise<SupportCentre> {
    if (!tx) return this.hub.db.transaction((own) => this.createCentre(input, own));
    const { em } = tx;
    if (await em.findOneBy(SupportCentre, { code: input.code }))
      throw conflict(`A support centre with code ${input.code} exists`, { field: 'code' });
    if (input.kafkaSourceId && (await em.findOneBy(SupportCentre, { kafkaSourceId: input.kafkaSourceId })))
      throw conflict(`Kafka source ${input.kafkaSourceId} already belongs to a centre`, { field: 'kafkaSourceId' });
    const issues = validateCentrePlacement({ tier: input.tier, parentId: input.parentId ?? null }, await this.allCentres(em));
    if (issues.length > 0) {
      const issue = issues[0];
      if (issue.code === 'PARENT_NOT_FOUND') throw notFound('SupportCentre', issue.parentId);
      const messages: Record<string, string> = {
        INVALID_TIER: 'tier must be 1, 2 or 3',
        TOP_TIER_HAS_PARENT: 'A tier 3 centre is the top of the network and has no parent',
        PARENT_REQUIRED: `A tier ${input.tier} centre needs a parent centre to escalate to`,
        PARENT_NOT_HIGHER_TIER: 'The parent centre must be of a higher tier',
      };
      throw badInput(messages[issue.code], { field: issue.code === 'INVALID_TIER' ? 'tier' : 'parentId', reason: issue.code });
    }
    const centre = Object.assign(new SupportCentre(), {
      id: newId(),
      code: input.code,
      name: input.name,
      tier: input.tier,
      region: input.region,
      contactName: input.contactName ?? null,
      contactEmail: input.contactEmail ?? null,
      contactPhone: input.contactPhone ?? null,
      parentId: input.parentId ?? null,
      kafkaSourceId: input.kafkaSourceId ?? null,
      createdAt: new Date(),
    });
    await em.insert(SupportCentre, centre);
    tx.afterCommit(() => {
      this.knownNetwork = null;
    });
    return centre;
  }

  /** The parent of `centreId`, or a typed error when there is none. */
  async escalationTargetOf(centreId: string, em: EntityManager = this.em): Promise<SupportCentre> {
    const centres = await this.allCentres(em);
    const target = escalationTarget(centres, centreId);
    if (!target.ok) {
      if (target.code === 'UNKNOWN_CENTRE') throw notFound('SupportCentre', centreId);
      throw new AppError(ErrorCode.INVALID_TRANSITION, 'The centre is at the top of the support network; there is no one to escalate to', {
        reason: target.code,
      });
    }
    return centres.find((c) => c.id === target.toCentreId)!;
  }

  /** Records an escalation inside the caller's transaction (the subject's own move commits with it). */
  async recordEscalation(
    tx: Tx,
    input: {
      subjectType: EscalationSubject;
      subjectId: string;
      fromCentreId: string;
      toCentreId: string;
      reason?: string | null;
      escalatedBy: string;
      occurredAt?: Date;
    },
  ): Promise<CentreEscalation> {
    const row = Object.assign(new CentreEscalation(), {
      id: newId(),
      subjectType: input.subjectType,
      subjectId: input.subjectId,
      fromCentreId: input.fromCentreId,
      toCentreId: input.toCentreId,
      reason: input.reason ?? null,
      escalatedBy: input.escalatedBy.slice(0, 120),
      occurredAt: input.occurredAt ?? new Date(),
      recordedAt: new Date(),
    });
    await tx.em.insert(CentreEscalation, row);
    return row;
  }

  escalationsOf(subjectType: EscalationSubject, subjectIds: readonly string[]): Promise<CentreEscalation[]> {
    if (subjectIds.length === 0) return Promise.resolve([]);
    return this.em.find(CentreEscalation, {
      where: { subjectType, subjectId: In([...subjectIds]) },
      order: { occurredAt: 'ASC', recordedAt: 'ASC' },
    });
  }

  /** Batch lookup for dataloaders (no scoping: callers reach centres through an already-scoped parent). */
  async centresByIds(ids: readonly string[]): Promise<Array<SupportCentre | Error>> {
    const rows = await selectByIds(this.em, SupportCentre, ids, { forUpdate: false });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? notFound('SupportCentre', id));
  }
}

function covers(
  network: readonly SupportCentre[],
  wanted: { ids?: ReadonlyArray<string | null | undefined>; codes?: ReadonlyArray<string | null | undefined>; sources?: readonly string[] },
): boolean {
  const has = (values: ReadonlyArray<string | null | undefined> | undefined, field: 'id' | 'code' | 'kafkaSourceId') =>
    (values ?? []).every((v) => v === null || v === undefined || network.some((c) => c[field] === v));
  return has(wanted.ids, 'id') && has(wanted.codes, 'code') && has(wanted.sources, 'kafkaSourceId');
}
