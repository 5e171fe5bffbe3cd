import { newId } from '../../platform/db/columns';
import type { Tx } from '../../platform/db/database';
import { repeatedSavepoint } from '../../platform/db/savepoint';
import { UnitOfWork } from '../../platform/db/unit-of-work';
import { AppError } from '../../platform/errors';
import type { Hub } from '../../platform/hub';
import { makeEnvelope } from '../../platform/kafka/event-bus';
import { getOrCreate } from '../../platform/maps';
import { SupportNetworkService } from '../support-network/support-network.service';
import { escalationPath } from '../support-network/rules/hierarchy';
import { Rma, RmaEvent } from './rma.entity';
import type { OutboundEventType, OutboundPayloads } from './rma.events';
import type { Actor } from './rules/applicability';
import type { RmaStatus } from './rules/state-machine';

export const RMA_UPDATED = 'RMA_UPDATED';
/** Live-update channel carrying every RMA (staff subscribers). */
export const ALL_RMAS = '*';
export const customerChannel = (customerId: string) => `customer:${customerId}`;

/** Who did something to an RMA: the rule's view (centre or hub) plus how to name it in the timeline. */
export interface ActorInfo {
  actor: Actor;
  /** Kafka source, `operator:<key name>`, or `hub`. */
  label: string;
  centreId: string | null;
}

export const HUB_ACTOR: ActorInfo = { actor: { kind: 'hub' }, label: 'hub', centreId: null };

export interface TimelineEntry {
  type: string;
  eventId: string | null;
  by: ActorInfo;
  fromStatus: RmaStatus | null;
  toStatus: RmaStatus | null;
  occurredAt: Date;
  late?: boolean;
  payload: Record<string, unknown> | null;
}

type RmaField = keyof Rma & string;

export const jsonSafe = (value: unknown): Record<string, unknown> => JSON.parse(JSON.stringify(value ?? {})) as Record<string, unknown>;

/**
 * One change of one RMA: its timeline entries and outbound events, written with the row, and the live
 * update after commit (a unit of work bound to the RMA).
 */
export class RmaChange {
  private readonly work: UnitOfWork;

  constructor(
    private readonly changes: RmaChanges,
    private readonly tx: Tx,
    readonly rma: Rma,
  ) {
    this.work = new UnitOfWork(changes.hub.outbox);
  }

  /** Appends to the RMA's timeline (numbered by the RMA's eventSeq, written with the row). */
  timeline(e: TimelineEntry): void {
    const rma = this.rma;
    this.work.timeline(
      RmaEvent,
      Object.assign(new RmaEvent(), {
        id: newId(),
        rmaId: rma.id,
        rmaNumber: rma.number,
        seq: ++rma.eventSeq,
        serialNumber: rma.serialNumber,
        customerId: rma.customerId,
        originCentreId: rma.originCentreId,
        eventId: e.eventId,
        type: e.type,
        source: e.by.label.slice(0, 120),
        actorCentreId: e.by.centreId,
        fromStatus: e.fromStatus,
        toStatus: e.toStatus,
        late: e.late ?? false,
        occurredAt: e.occurredAt,
        recordedAt: new Date(),
        payload: e.payload,
      }),
    );
  }

  outbound<K extends OutboundEventType>(type: K, payload: OutboundPayloads[K]): void {
    const { kafka } = this.changes.hub.config;
    this.work.emit(kafka.topics.hubEvents, makeEnvelope({ type, key: this.rma.number, source: kafka.clientId, payload }));
  }

  /** Writes the RMA's changed row with what the change left behind. */
  async persist(): Promise<Rma> {
    const { tx, rma } = this;
    rma.updatedAt = new Date();
    if (tx.writes) tx.writes.save(Rma, rma);
    else {
      const { id, ...columns } = rma;
      await tx.em.update(Rma, { id }, columns);
    }
    return this.record();
  }

  /** What the change left behind, for an RMA whose row the caller has written (a new one). */
  async record(): Promise<Rma> {
    this.changes.publish(this.tx, this.work, this.rma);
    await this.work.record(this.tx);
    return this.rma;
  }
}

/**
 * How RMA changes are recorded and announced: timeline, outbound events, live fan-out to everyone who
 * may watch (staff, the customer, each centre on the escalation path), and undoing a refused change.
 */
export class RmaChanges {
  private readonly announcedInBatch = new WeakMap<object, Set<string>>();
  private columnFields: readonly RmaField[] | null = null;

  constructor(readonly hub: Hub) {}

  of(tx: Tx, rma: Rma): RmaChange {
    return new RmaChange(this, tx, rma);
  }

  /**
   * Runs one change in a savepoint (repeated under a fixed name, one per event of a batch): a refusal
   * (AppError) undoes its writes, and its changes to `rma` in memory, so the caller's copy stays true.
   */
  async undoable<T>(tx: Tx, rma: Rma | null, work: (tx: Tx) => Promise<T>): Promise<T> {
    const before = rma ? this.fields.map((field) => rma[field]) : null;
    try {
      return await repeatedSavepoint(tx, 'rma_event', work);
    } catch (error) {
      if (error instanceof AppError && rma && before) {
        const target = rma as unknown as Record<RmaField, unknown>;
        this.fields.forEach((field, i) => (target[field] = before[i]));
        // Writes held back and already sent went before the savepoint: send the fields as they were again.
        tx.writes?.save(Rma, rma);
      }
      throw error;
    }
  }

  /**
   * Live update after commit. In a batch transaction an RMA changed by several events is announced
   * once, in the state it was committed in.
   */
  publish(tx: Tx, work: UnitOfWork, rma: Rma): void {
    const batch = tx.writes;
    if (!batch) {
      const snapshot = liveSnapshot(rma, this.fields);
      work.afterCommit(() => this.announce(rma, snapshot));
      return;
    }
    work.afterCommit(() => {
      const announced = getOrCreate(this.announcedInBatch, batch, () => new Set<string>());
      if (announced.has(rma.id)) return;
      announced.add(rma.id);
      return this.announce(rma, liveSnapshot(rma, this.fields));
    });
  }

  /**
   * The RMA's column properties. An RMA read from the database is a dictionary-mode object, for which
   * walking this list is far cheaper than Object.entries or a spread.
   */
  private get fields(): readonly RmaField[] {
    return (this.columnFields ??= this.hub.db.dataSource.getMetadata(Rma).columns.map((c) => c.propertyName as RmaField));
  }

  private async announce(rma: Rma, snapshot: Record<string, unknown>): Promise<void> {
    const network = this.hub.get(SupportNetworkService);
    const centres = await network.networkCovering(this.hub.db.manager, { ids: [rma.originCentreId, rma.centreId] });
    const channels = new Set<string>([ALL_RMAS, customerChannel(rma.customerId)]);
    for (const id of [...escalationPath(centres, rma.originCentreId), ...escalationPath(centres, rma.centreId)]) channels.add(id);
    this.hub.pubsub.publishToEach(RMA_UPDATED, channels, snapshot);
  }
}

/** The RMA as JSON would carry it (instants as ISO strings), without a JSON round trip: it is made for every change. */
function liveSnapshot(rma: Rma, fields: readonly RmaField[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of fields) {
    const value = rma[key];
    if (value === undefined) continue;
    out[key] = value instanceof Date ? value.toISOString() : value !== null && typeof value === 'object' ? jsonSafe(value) : value;
  }
  return out;
}
