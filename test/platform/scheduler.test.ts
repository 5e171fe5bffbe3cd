import { startTestHub, TestHub, eventually } from '../support/hub';
import { ScheduledJob } from '../../src/platform/scheduler/scheduled-job.entity';
import { Scheduler } from '../../src/platform/scheduler/scheduler';
import type { Tx } from '../../src/platform/db/database';
import { beginCountingQueries } from '../../src/platform/db/query-counter';
import { WriteBehind } from '../../src/platform/db/write-behind';

async function countStatements(work: () => Promise<void>): Promise<number> {
  const counter = { statements: 0 };
  const counting = beginCountingQueries(counter);
  try {
    await counting.run(work);
  } finally {
    counting.end();
  }
  return counter.statements;
}

/**
 * The durable scheduler is what every SLA deadline, hold expiry and RMA validity
 * relies on: a due job fires once in effect, however many instances poll.
 */
describe('durable scheduler', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ env: { SCHEDULER_ENABLED: 'false' } });
  });
  afterAll(() => t?.stop());

  it('fires each due job exactly once when two schedulers race for them', async () => {
    const { db, log } = t.app.hub;
    const effects: string[] = [];
    const makeScheduler = (name: string) => {
      const scheduler = new Scheduler(db, log, name, 20);
      scheduler.register('probe', async ({ job, tx }) => {
        await tx.em.query('SELECT 1');
        effects.push(job.jobKey);
      });
      return scheduler;
    };
    const first = makeScheduler('instance-1');
    const second = makeScheduler('instance-2');
    const due = new Date(Date.now() - 1000);
    await db.transaction(async (tx) => {
      for (let i = 0; i < 120; i++) await first.schedule(tx, { kind: 'probe', key: `probe:${i}`, dueAt: due });
    });
    first.start();
    second.start();
    await Promise.all([first.tick(), second.tick()]);
    await eventually(
      () => db.manager.countBy(ScheduledJob, { kind: 'probe', status: 'DONE' }),
      (n) => n === 120,
    );
    await Promise.all([first.stop(), second.stop()]);
    expect(effects).toHaveLength(120);
    expect(new Set(effects).size).toBe(120);
    const firedBy = await db.manager.find(ScheduledJob, { where: { kind: 'probe' } });
    expect(firedBy.every((job) => job.firedBy === 'instance-1' || job.firedBy === 'instance-2')).toBe(true);
  });

  it('moves a job when it is rescheduled with the same key, and cancels by prefix', async () => {
    const { db, log } = t.app.hub;
    const scheduler = new Scheduler(db, log, 'solo', 20);
    const fired: string[] = [];
    scheduler.register('moved', async ({ job }) => {
      fired.push(job.jobKey);
    });
    const past = new Date(Date.now() - 10);
    const future = new Date(Date.now() + 3_600_000);
    await db.transaction(async (tx) => {
      await scheduler.schedule(tx, { kind: 'moved', key: 'incident:1:RESPONSE', dueAt: past });
      await scheduler.schedule(tx, { kind: 'moved', key: 'incident:1:RESPONSE', dueAt: future });
      await scheduler.schedule(tx, { kind: 'moved', key: 'incident:2:RESPONSE', dueAt: past });
      await scheduler.schedule(tx, { kind: 'moved', key: 'incident:2:RESTORE', dueAt: past });
      await scheduler.cancel(tx, 'incident:2:');
    });
    scheduler.start();
    await scheduler.tick();
    await scheduler.stop();
    expect(fired).toEqual([]);
    const jobs = await db.manager.find(ScheduledJob, { where: { kind: 'moved' }, order: { jobKey: 'ASC' } });
    expect(jobs.map((j) => [j.jobKey, j.status])).toEqual([
      ['incident:1:RESPONSE', 'PENDING'],
      ['incident:2:RESPONSE', 'CANCELLED'],
      ['incident:2:RESTORE', 'CANCELLED'],
    ]);
    expect(jobs[0].dueAt.getTime()).toBe(future.getTime());
  });

  it('leaves the same jobs when a batch transaction holds its schedule and cancel calls back', async () => {
    const { db, log } = t.app.hub;
    const scheduler = new Scheduler(db, log, 'batch', 20);
    const at = (h: number) => new Date(Date.UTC(2030, 0, 1, h));
    // Rows that exist before the batch: one to move, one to cancel, one to cancel and schedule again.
    await db.transaction(async (tx) => {
      await scheduler.schedule(tx, { kind: 'wb', key: 'wb:1:move', dueAt: at(1) });
      await scheduler.schedule(tx, { kind: 'wb', key: 'wb:2:a', dueAt: at(1) });
      await scheduler.schedule(tx, { kind: 'wb', key: 'wb:3:a', dueAt: at(1) });
    });
    const calls = async (tx: Tx) => {
      await scheduler.schedule(tx, { kind: 'wb', key: 'wb:1:move', dueAt: at(2) });
      await scheduler.cancel(tx, 'wb:2:');
      await scheduler.cancel(tx, 'wb:3:');
      await scheduler.schedule(tx, { kind: 'wb', key: 'wb:3:a', dueAt: at(3) });
      await scheduler.scheduleNew(tx, { kind: 'wb', key: 'wb:4:new', dueAt: at(4) });
      await scheduler.schedule(tx, { kind: 'wb', key: 'wb:5:new', dueAt: at(5) });
      await scheduler.cancel(tx, 'wb:5:');
      await scheduler.scheduleNew(tx, { kind: 'wb', key: 'wb:6:new', dueAt: at(6) });
      await scheduler.cancel(tx, 'wb:6:');
      await scheduler.schedule(tx, { kind: 'wb', key: 'wb:6:new', dueAt: at(7) });
    };
    const snapshot = async () =>
      (await db.manager.find(ScheduledJob, { where: { kind: 'wb' }, order: { jobKey: 'ASC' } })).map((j) => [
        j.jobKey,
        j.status,
        j.dueAt.toISOString(),
      ]);
    const statements = await countStatements(async () => {
      await db.transaction(async (tx) => {
        const writes = WriteBehind.open(tx.em);
        await calls({ ...tx, writes });
        await writes.close();
      });
    });
    const heldBack = await snapshot();
    // The same calls one by one, on the same starting rows.
    await db.manager.delete(ScheduledJob, { kind: 'wb' });
    await db.transaction(async (tx) => {
      await scheduler.schedule(tx, { kind: 'wb', key: 'wb:1:move', dueAt: at(1) });
      await scheduler.schedule(tx, { kind: 'wb', key: 'wb:2:a', dueAt: at(1) });
      await scheduler.schedule(tx, { kind: 'wb', key: 'wb:3:a', dueAt: at(1) });
    });
    await db.transaction(calls);
    expect(heldBack).toEqual(await snapshot());
    expect(heldBack).toEqual([
      ['wb:1:move', 'PENDING', at(2).toISOString()],
      ['wb:2:a', 'CANCELLED', at(1).toISOString()],
      ['wb:3:a', 'PENDING', at(3).toISOString()],
      ['wb:4:new', 'PENDING', at(4).toISOString()],
      ['wb:5:new', 'CANCELLED', at(5).toISOString()],
      ['wb:6:new', 'PENDING', at(7).toISOString()],
    ]);
    // Cancels (find + update), the lookup of keys that may exist, one move per existing key, one INSERT.
    expect(statements).toBeLessThanOrEqual(2 + 1 + 2 + 1 + 2);
  });

  it('keeps a job pending when its handler fails, and retries it', async () => {
    const { db, log } = t.app.hub;
    const scheduler = new Scheduler(db, log, 'flaky', 20);
    let calls = 0;
    scheduler.register('flaky', async () => {
      calls++;
      if (calls === 1) throw new Error('downstream unavailable');
    });
    await db.transaction((tx) => scheduler.schedule(tx, { kind: 'flaky', key: 'flaky:1', dueAt: new Date(Date.now() - 5) }));
    await scheduler.tick();
    const afterFailure = await db.manager.findOneByOrFail(ScheduledJob, { jobKey: 'flaky:1' });
    expect(afterFailure).toMatchObject({ status: 'PENDING', attempts: 1, lastError: 'downstream unavailable' });
    await scheduler.tick();
    expect(calls).toBe(1); // backing off: not due again yet
    await scheduler.tick(new Date(Date.now() + 60_000));
    expect(calls).toBe(2);
    expect((await db.manager.findOneByOrFail(ScheduledJob, { jobKey: 'flaky:1' })).status).toBe('DONE');
  });
});
