import { setTimeout as sleep } from 'node:timers/promises';
import { LessThan } from 'typeorm';
import type { Database, Tx } from '../db/database';
import { isDuplicateKey } from '../db/duplicate-key';
import { insertRowsNow, quotedNames, selectRows } from '../db/raw-sql';
import type { EventBus, EventEnvelope } from '../kafka/event-bus';
import type { Logger } from '../logger';
import { NamedLease } from '../db/lease';
import { OutboxMessage, ProcessedEvent } from './outbox.entity';

const LEASE_MS = 15_000;
const BATCH = 500;

/** Runs inside the transaction that enqueues events on a topic (e.g. writing per-subscriber delivery rows). */
export type OutboxTap = (tx: Tx, events: EventEnvelope[]) => Promise<void>;

/**
 * Transactional outbox. `enqueue` writes the event in the caller's transaction;
 * the relay publishes committed rows in order and marks them published. When the
 * broker is down rows simply wait; delivery is at-least-once and consumers dedupe
 * by eventId.
 */
export class Outbox {
  private lease?: NamedLease;
  private running = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private readonly listeners = new Set<(published: number) => void>();
  private readonly taps = new Map<string, OutboxTap[]>();

  constructor(
    private readonly db: Database,
    private readonly bus: EventBus,
    private readonly log: Logger,
    private readonly instanceId: string,
    private readonly pollMs: number,
  ) {}

  async enqueue(tx: Tx, topic: string, events: EventEnvelope[]): Promise<void> {
    if (events.length === 0) return;
    const now = new Date();
    const rows = events.map((e) =>
      Object.assign(new OutboxMessage(), {
        eventId: e.eventId,
        topic,
        messageKey: e.key,
        type: e.type,
        envelope: JSON.stringify(e),
        createdAt: now,
        publishedAt: null,
        attempts: 0,
        lastError: null,
      }),
    );
    if (tx.writes) for (const row of rows) tx.writes.insert(OutboxMessage, row);
    else await tx.em.insert(OutboxMessage, rows);
    for (const tap of this.taps.get(topic) ?? []) await tap(tx, events);
    tx.afterCommit(() => this.kick());
  }

  /** Lets a module write its own rows for every event enqueued on `topic`, committed or rolled back with the event. */
  tap(topic: string, tap: OutboxTap): void {
    this.taps.set(topic, [...(this.taps.get(topic) ?? []), tap]);
  }

  kick(): void {
    this.wake?.();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.kick();
    await this.loop;
    await this.lease?.release();
  }

  pendingCount(): Promise<number> {
    return this.db.manager.createQueryBuilder(OutboxMessage, 'o').where('o.publishedAt IS NULL').getCount();
  }

  onPublished(listener: (published: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async run(): Promise<void> {
    let backoff = this.pollMs;
    while (this.running) {
      let published = 0;
      try {
        if (await this.holdLease()) published = await this.relayOnce();
        backoff = this.pollMs;
      } catch (error) {
        backoff = Math.min(backoff * 2, 5_000);
        this.log.warn({ err: error, retryInMs: backoff }, 'outbox relay: publish failed, will retry');
      }
      if (published >= BATCH) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, backoff);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
  }

  /** Publishes one batch; returns how many rows were published. */
  async relayOnce(): Promise<number> {
    const rows = await this.db.manager
      .createQueryBuilder(OutboxMessage, 'o')
      .where('o.publishedAt IS NULL')
      .orderBy('o.seq', 'ASC')
      .limit(BATCH)
      .getMany();
    if (rows.length === 0) return 0;
    // Publish topic by topic but keep the global order inside each topic.
    const byTopic = new Map<string, OutboxMessage[]>();
    for (const row of rows) byTopic.set(row.topic, [...(byTopic.get(row.topic) ?? []), row]);
    let published = 0;
    for (const [topic, batch] of byTopic) {
      try {
        await this.bus.publish(
          topic,
          batch.map((r) => JSON.parse(r.envelope) as EventEnvelope),
        );
      } catch (error) {
        await this.db.manager
          .createQueryBuilder()
          .update(OutboxMessage)
          .set({ attempts: () => 'attempts + 1', lastError: String((error as Error).message).slice(0, 500) })
          .whereInIds(batch.map((r) => r.seq))
          .execute();
        throw error;
      }
      await this.db.manager
        .createQueryBuilder()
        .update(OutboxMessage)
        .set({ publishedAt: new Date() })
        .whereInIds(batch.map((r) => r.seq))
        .execute();
      published += batch.length;
    }
    for (const listener of this.listeners) listener(published);
    return published;
  }

  private holdLease(): Promise<boolean> {
    this.lease ??= new NamedLease(this.db, 'outbox-relay', this.instanceId, LEASE_MS);
    return this.lease.hold();
  }

  /** Deletes published rows older than the retention (called by the scheduler's housekeeping). */
  async prune(olderThan: Date): Promise<number> {
    const result = await this.db.manager.delete(OutboxMessage, { publishedAt: LessThan(olderThan) });
    return result.affected ?? 0;
  }

  /** Waits until every committed event has been published, or the timeout passes. */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if ((await this.pendingCount()) === 0) return true;
      this.kick();
      await sleep(50);
    }
    return false;
  }
}

/**
 * Inbound dedupe: records that `consumer` applied `eventId`, inside the effect's
 * transaction. Returns false when it was already applied (the caller skips the effect).
 */
export async function claimEvent(tx: Tx, consumer: string, eventId: string): Promise<boolean> {
  const existing = await tx.em.findOne(ProcessedEvent, { where: { consumer, eventId } });
  if (existing) return false;
  try {
    await tx.em.insert(ProcessedEvent, { consumer, eventId, processedAt: new Date() });
    return true;
  } catch (error) {
    // A concurrent delivery of the same event inserted first (MySQL waits for it, then reports the
    // duplicate): this one is the duplicate.
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}

/**
 * `claimEvent` for many events in one transaction, in two statements instead of
 * two per event. Returns the eventIds this call claimed (each once, however
 * often it was passed); the others were already applied.
 */
export async function claimEvents(tx: Tx, consumer: string, eventIds: readonly string[]): Promise<Set<string>> {
  const wanted = [...new Set(eventIds)];
  if (wanted.length === 0) return new Set();
  const { table, col } = quotedNames(tx.em, ProcessedEvent);
  const existing = await selectRows<{ eventId: string }>(
    tx.em,
    `SELECT ${col('eventId')} AS eventId FROM ${table} WHERE ${col('consumer')} = ? AND ${col('eventId')} IN (${wanted.map(() => '?').join(', ')})`,
    [consumer, ...wanted],
  );
  const applied = new Set(existing.map((e) => e.eventId));
  // In key order: a half-done multi-row insert in random order deadlocks with anyone locking a
  // range of the index in order (it holds rows behind the other's position and waits for a gap ahead).
  const fresh = wanted.filter((id) => !applied.has(id)).sort();
  if (fresh.length === 0) return new Set();
  const processedAt = new Date();
  try {
    await insertRowsNow(
      tx.em,
      ProcessedEvent,
      fresh.map((eventId) => ({ consumer, eventId, processedAt })),
    );
    return new Set(fresh);
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    // A concurrent delivery claimed one of them first; the statement inserted nothing: one by one.
    const claimed = new Set<string>();
    for (const eventId of fresh) if (await claimEvent(tx, consumer, eventId)) claimed.add(eventId);
    return claimed;
  }
}
