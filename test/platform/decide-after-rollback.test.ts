import { DecideAfterRollback } from '../../src/platform/db/database';
import { ScheduledJob } from '../../src/platform/scheduler/scheduled-job.entity';
import { startTestHub, TestHub } from '../support/hub';

/**
 * A transaction that throws DecideAfterRollback is rolled back before its
 * decision is made (the locks it held are gone and its writes invisible), then
 * either fails with the decided error or runs again knowing the fact.
 */
describe('Database.transaction with DecideAfterRollback', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ env: { SCHEDULER_ENABLED: 'false' } });
  });
  afterAll(() => t?.stop());

  const probeJob = (key: string) => ({ kind: 'decide-probe', key, dueAt: new Date(Date.now() + 3_600_000) });

  it('decides on the committed rows after the rollback and throws the decided error', async () => {
    const { db, scheduler } = t.app.hub;
    const seenByDecision: number[] = [];
    let runs = 0;
    const failure = db.transaction(async (tx) => {
      runs++;
      await scheduler.scheduleNew(tx, probeJob('decide:rolled-back'));
      throw new DecideAfterRollback('probe refused', async (em) => {
        seenByDecision.push(await em.countBy(ScheduledJob, { jobKey: 'decide:rolled-back' }));
        return new Error('decided: refused');
      });
    });
    await expect(failure).rejects.toThrow('decided: refused');
    expect(runs).toBe(1);
    expect(seenByDecision).toEqual([0]);
    expect(await db.manager.countBy(ScheduledJob, { jobKey: 'decide:rolled-back' })).toBe(0);
  });

  it("runs the work again knowing the fact when the decision is 'retry', and commits that run", async () => {
    const { db, scheduler } = t.app.hub;
    const learnedAtRun: boolean[] = [];
    const result = await db.transaction(async (tx) => {
      const knows = tx.learned?.has('probe needs the careful path') ?? false;
      learnedAtRun.push(knows);
      await scheduler.scheduleNew(tx, probeJob(`decide:run-${learnedAtRun.length}`));
      if (!knows) throw new DecideAfterRollback('probe needs the careful path', async () => 'retry');
      return 'committed';
    });
    expect(result).toBe('committed');
    expect(learnedAtRun).toEqual([false, true]);
    expect(await db.manager.countBy(ScheduledJob, { jobKey: 'decide:run-1' })).toBe(0);
    expect(await db.manager.countBy(ScheduledJob, { jobKey: 'decide:run-2' })).toBe(1);
  });

  it('gives up instead of looping when work throws a fact it has already learned', async () => {
    const { db } = t.app.hub;
    let runs = 0;
    const looping = db.transaction(async () => {
      runs++;
      throw new DecideAfterRollback('always refused', async () => 'retry');
    });
    await expect(looping).rejects.toThrow('transaction kept deciding after rollback: always refused');
    expect(runs).toBe(2);
  });
});
