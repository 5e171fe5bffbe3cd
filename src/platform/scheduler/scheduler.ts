import { In } from 'typeorm';
import { newId } from '../db/columns';
import type { Database, Tx } from '../db/database';
import { insertRow } from '../db/raw-sql';
import { insertRows, type WriteParticipant } from '../db/write-behind';
import type { Logger } from '../logger';
import { ScheduledJob } from './scheduled-job.entity';

export interface JobContext {
  job: ScheduledJob;
  tx: Tx;
  /** When the job actually fired (for lateness metrics and for records). */
  firedAt: Date;
}
export type JobHandler = (ctx: JobContext) => Promise<void>;

const MAX_ATTEMPTS = 5;
const CLAIM_BATCH = 200;

/**
 * Durable scheduler. Jobs are rows; every instance polls for due rows and fires
 * each in its own transaction that locks the row (`FOR UPDATE SKIP LOCKED` on
 * MySQL/MariaDB), runs the handler and marks it DONE. The handler's effect and
 * the DONE mark commit together, so a job fires exactly once in effect, across
 * restarts and across instances.
 */
export class Scheduler {
  private readonly handlers = new Map<string, JobHandler>();
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private ticking: Promise<void> | null = null;
  private readonly firedListeners = new Set<(job: ScheduledJob, lateMs: number) => void>();

  constructor(
    private readonly db: Database,
    private readonly log: Logger,
    private readonly instanceId: string,
    private readonly pollMs: number,
  ) {}

  register(kind: string, handler: JobHandler): void {
    if (this.handlers.has(kind)) throw new Error(`scheduler: a handler for ${kind} is already registered`);
    this.handlers.set(kind, handler);
  }

  /** Creates or moves the job with this key (inside the caller's transaction). */
  async schedule(tx: Tx, job: { kind: string; key: string; dueAt: Date; payload?: Record<string, unknown> }): Promise<void> {
    if (tx.writes) {
      tx.writes.participant(JOB_WRITES, jobWrites).push({ kind: 'schedule', row: newJobRow(job), isNew: false });
      if (job.dueAt.getTime() - Date.now() < this.pollMs) tx.afterCommit(() => this.soon(job.dueAt));
      return;
    }
    const existing = await tx.em.findOne(ScheduledJob, { where: { jobKey: job.key } });
    if (!existing) return this.scheduleNew(tx, job);
    await tx.em.update(
      ScheduledJob,
      { id: existing.id },
      {
        kind: job.kind,
        dueAt: job.dueAt,
        payload: (job.payload ?? {}) as never,
        status: 'PENDING',
        attempts: 0,
        lastError: null,
        firedAt: null,
        firedBy: null,
      },
    );
    if (job.dueAt.getTime() - Date.now() < this.pollMs) tx.afterCommit(() => this.soon(job.dueAt));
  }

  /**
   * Creates a job whose key cannot exist yet (it names a row made in this same
   * transaction): one INSERT instead of looking the key up first. Should the key
   * exist after all, the unique index refuses it and the transaction fails.
   */
  async scheduleNew(tx: Tx, job: { kind: string; key: string; dueAt: Date; payload?: Record<string, unknown> }): Promise<void> {
    if (tx.writes) tx.writes.participant(JOB_WRITES, jobWrites).push({ kind: 'schedule', row: newJobRow(job), isNew: true });
    else await insertRow(tx.em, ScheduledJob, newJobRow(job));
    if (job.dueAt.getTime() - Date.now() < this.pollMs) tx.afterCommit(() => this.soon(job.dueAt));
  }

  /** Cancels pending jobs whose key starts with the prefix (e.g. every clock of a closed incident). */
  async cancel(tx: Tx, keyPrefix: string): Promise<void> {
    if (tx.writes) {
      tx.writes.participant(JOB_WRITES, jobWrites).push({ kind: 'cancel', prefix: keyPrefix });
      return;
    }
    // Find first, then update by primary key: an UPDATE ... WHERE jobKey LIKE locks a key range on
    // InnoDB and deadlocks against instances firing neighbouring jobs.
    const ids = (
      await tx.em
        .createQueryBuilder(ScheduledJob, 'j')
        .select(['j.id'])
        .where('j.jobKey LIKE :prefix AND j.status = :status', { prefix: `${keyPrefix}%`, status: 'PENDING' })
        .getMany()
    ).map((j) => j.id);
    if (ids.length === 0) return;
    await tx.em
      .createQueryBuilder()
      .update(ScheduledJob)
      .set({ status: 'CANCELLED' })
      .where('id IN (:...ids) AND status = :status', { ids, status: 'PENDING' })
      .execute();
  }

  onFired(listener: (job: ScheduledJob, lateMs: number) => void): () => void {
    this.firedListeners.add(listener);
    return () => this.firedListeners.delete(listener);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.arm(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.ticking;
  }

  private soon(dueAt: Date) {
    if (!this.running) return;
    this.arm(Math.max(0, dueAt.getTime() - Date.now()));
  }

  private arm(delayMs: number) {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.ticking = this.tick()
        .then(() => undefined)
        .catch((error) => this.log.error({ err: error }, 'scheduler tick failed'))
        .finally(() => this.arm(this.pollMs));
    }, delayMs);
  }

  /** Fires every job that is due now; returns how many fired. Exposed for tests and benchmarks. */
  async tick(now = new Date()): Promise<number> {
    let fired = 0;
    for (;;) {
      const due = await this.db.manager
        .createQueryBuilder(ScheduledJob, 'j')
        .select(['j.id'])
        .where('j.status = :status AND j.dueAt <= :now', { status: 'PENDING', now })
        .orderBy('j.dueAt', 'ASC')
        .limit(CLAIM_BATCH)
        .getMany();
      if (due.length === 0) return fired;
      let firedThisRound = 0;
      for (const { id } of due) {
        if (!this.running && fired > 0) return fired;
        if (await this.fire(id, now)) firedThisRound++;
      }
      fired += firedThisRound;
      if (due.length < CLAIM_BATCH || firedThisRound === 0) return fired;
    }
  }

  private async fire(id: string, now: Date): Promise<boolean> {
    let claimed: ScheduledJob | null = null;
    try {
      return await this.db.transaction(async (tx) => {
        // Re-checked under the lock: another instance may have fired it, or a failure moved it later.
        const qb = tx.em
          .createQueryBuilder(ScheduledJob, 'j')
          .where('j.id = :id AND j.status = :status AND j.dueAt <= :now', { id, status: 'PENDING', now });
        if (this.db.dialect === 'mysql') qb.setLock('pessimistic_write').setOnLocked('skip_locked');
        const job = await qb.getOne();
        if (!job) return false;
        claimed = job;
        const handler = this.handlers.get(job.kind);
        if (!handler) throw new Error(`no handler registered for job kind ${job.kind}`);
        const firedAt = new Date();
        await handler({ job, tx, firedAt });
        // A handler may move its own job (a recurring deadline): then it stays pending at its new time.
        await tx.em.update(
          ScheduledJob,
          { id: job.id, dueAt: job.dueAt, status: 'PENDING' },
          { status: 'DONE', firedAt, firedBy: this.instanceId },
        );
        const lateMs = firedAt.getTime() - job.dueAt.getTime();
        tx.afterCommit(() => {
          for (const listener of this.firedListeners) listener(job, lateMs);
        });
        return true;
      });
    } catch (error) {
      const job = claimed as ScheduledJob | null;
      if (!job) throw error;
      const attempts = job.attempts + 1;
      this.log.error({ err: error, jobKey: job.jobKey, attempts }, 'scheduled job failed');
      // Retry with back-off; give up (and keep the row for operators) after a few attempts.
      await this.db.manager.update(
        ScheduledJob,
        { id: job.id, status: 'PENDING' },
        {
          attempts,
          lastError: String((error as Error).message).slice(0, 500),
          status: attempts >= MAX_ATTEMPTS ? 'FAILED' : 'PENDING',
          dueAt: new Date(Date.now() + 1000 * 2 ** attempts),
        },
      );
      return false;
    }
  }

  pending(kindOrKeys?: { keys?: string[] }): Promise<ScheduledJob[]> {
    return this.db.manager.find(ScheduledJob, {
      where: { status: 'PENDING', ...(kindOrKeys?.keys ? { jobKey: In(kindOrKeys.keys) } : {}) },
      order: { dueAt: 'ASC' },
    });
  }
}

function newJobRow(job: { kind: string; key: string; dueAt: Date; payload?: Record<string, unknown> }): ScheduledJob {
  return {
    id: newId(),
    kind: job.kind,
    jobKey: job.key,
    dueAt: job.dueAt,
    payload: job.payload ?? {},
    status: 'PENDING',
    attempts: 0,
    lastError: null,
    firedAt: null,
    firedBy: null,
    createdAt: new Date(),
  };
}

type JobOp = { kind: 'schedule'; row: ScheduledJob; isNew: boolean } | { kind: 'cancel'; prefix: string };
const JOB_WRITES = 'scheduler.jobs';

/**
 * Held-back schedule/cancel calls of a batch transaction, sent together. The
 * calls are first played in memory, in order: a cancel marks the jobs queued
 * before it with its prefix as cancelled, a later schedule of the same key
 * revives it. Then the database gets, in this order, the cancels (they apply
 * to rows written before this flush), the moves of jobs that exist, and one
 * INSERT of the new ones, which reproduces the calls made one by one.
 */
function jobWrites(): WriteParticipant<JobOp> {
  return {
    async flush(ops, em, send) {
      const prefixes: string[] = [];
      const byKey = new Map<string, { row: ScheduledJob; isNew: boolean }>();
      for (const op of ops) {
        if (op.kind === 'cancel') {
          prefixes.push(op.prefix);
          for (const [key, job] of byKey) if (key.startsWith(op.prefix) && job.row.status === 'PENDING') job.row.status = 'CANCELLED';
          continue;
        }
        const queued = byKey.get(op.row.jobKey);
        if (queued) Object.assign(queued.row, { ...op.row, id: queued.row.id, createdAt: queued.row.createdAt });
        else byKey.set(op.row.jobKey, { row: { ...op.row }, isNew: op.isNew });
      }
      const metadata = em.connection.getMetadata(ScheduledJob);
      const driver = em.connection.driver;
      const table = driver.escape(metadata.tableName);
      const col = (property: keyof ScheduledJob & string) => driver.escape(metadata.findColumnWithPropertyName(property)!.databaseName);
      const bind = (property: keyof ScheduledJob & string, value: unknown) =>
        driver.preparePersistentValue(value, metadata.findColumnWithPropertyName(property)!);

      if (prefixes.length > 0) {
        // Find, then update by primary key: an UPDATE ... WHERE jobKey LIKE locks a key range (see cancel).
        const found = await send<Array<{ id: string }>>(
          `SELECT ${col('id')} AS id FROM ${table} WHERE ${col('status')} = 'PENDING' AND (${prefixes.map(() => `${col('jobKey')} LIKE ?`).join(' OR ')})`,
          prefixes.map((p) => `${p}%`),
        );
        if (found.length > 0)
          await send(
            `UPDATE ${table} SET ${col('status')} = 'CANCELLED' WHERE ${col('status')} = 'PENDING' AND ${col('id')} IN (${found.map(() => '?').join(', ')})`,
            found.map((f) => f.id),
          );
      }

      const maybeExisting = [...byKey.values()].filter((j) => !j.isNew);
      const existing = new Map<string, string>();
      if (maybeExisting.length > 0) {
        const rows = await send<Array<{ id: string; jobKey: string }>>(
          `SELECT ${col('id')} AS id, ${col('jobKey')} AS jobKey FROM ${table} WHERE ${col('jobKey')} IN (${maybeExisting.map(() => '?').join(', ')})`,
          maybeExisting.map((j) => j.row.jobKey),
        );
        for (const r of rows) existing.set(r.jobKey, r.id);
      }
      for (const { row } of byKey.values()) {
        const id = existing.get(row.jobKey);
        if (!id) continue;
        const moved: Array<keyof ScheduledJob & string> = [
          'kind',
          'dueAt',
          'payload',
          'status',
          'attempts',
          'lastError',
          'firedAt',
          'firedBy',
        ];
        await send(`UPDATE ${table} SET ${moved.map((p) => `${col(p)} = ?`).join(', ')} WHERE ${col('id')} = ?`, [
          ...moved.map((p) => bind(p, row[p])),
          id,
        ]);
      }
      const fresh = [...byKey.values()].filter((j) => !existing.has(j.row.jobKey)).map((j) => j.row);
      if (fresh.length > 0) await insertRows(em, metadata, fresh, send);
    },
  };
}
