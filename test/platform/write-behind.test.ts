import { AppError, ErrorCode } from '../../src/platform/errors';
import { beginCountingQueries } from '../../src/platform/db/query-counter';
import { WriteBehind } from '../../src/platform/db/write-behind';
import { ScheduledJob } from '../../src/platform/scheduler/scheduled-job.entity';
import { startTestHub, TestHub } from '../support/hub';

/**
 * Batch transactions (inbound RMA events) hold their writes back and send them
 * as multi-row statements before COMMIT. What they rely on: the database ends
 * up exactly as if each write had been sent on its own, the transaction's own
 * reads see its held writes, and a failed unit leaves nothing of itself behind.
 */
describe('write-behind in a batch transaction', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ env: { SCHEDULER_ENABLED: 'false' } });
  });
  afterAll(() => t?.stop());

  let n = 0;
  const job = (status: ScheduledJob['status'] = 'PENDING'): ScheduledJob => ({
    id: `wb-${process.pid}-${++n}`,
    kind: 'wb-test',
    jobKey: `wb-test:${n}`,
    dueAt: new Date(Date.UTC(2030, 0, 1, 0, n)),
    payload: { n },
    status,
    attempts: 0,
    lastError: null,
    firedAt: null,
    firedBy: null,
    createdAt: new Date(Date.UTC(2029, 0, 1)),
  });
  const read = (ids: string[]) => Promise.all(ids.map((id) => t.app.hub.db.manager.findOneByOrFail(ScheduledJob, { id })));
  const counted = async (work: () => Promise<void>) => {
    const counter = { statements: 0 };
    const counting = beginCountingQueries(counter);
    try {
      await counting.run(work);
    } finally {
      counting.end();
    }
    return counter.statements;
  };

  it('inserts many rows in one statement and updates many rows, each with its own changed columns, in one more', async () => {
    const existing = [job(), job(), job()];
    await t.app.hub.db.manager.save(ScheduledJob, existing);
    const fresh = [job(), job()];
    const statements = await counted(() =>
      t.app.hub.db.transaction(async (tx) => {
        const writes = WriteBehind.open(tx.em);
        const loaded = await tx.em.findBy(ScheduledJob, { kind: 'wb-test' });
        for (const row of loaded) writes.track(ScheduledJob, row);
        const [a, b, c] = existing.map((e) => loaded.find((l) => l.id === e.id)!);
        for (const row of fresh) writes.insert(ScheduledJob, row);
        a.status = 'DONE';
        a.firedAt = new Date(Date.UTC(2030, 5, 1));
        b.attempts = 3;
        b.lastError = 'boom';
        writes.save(ScheduledJob, a);
        writes.save(ScheduledJob, b);
        writes.save(ScheduledJob, c); // unchanged: no statement for it
        await writes.close();
      }),
    );
    expect(statements).toBe(1 + 1 + 1); // the read, one INSERT, one UPDATE
    const [a, b, c, f1, f2] = await read([...existing, ...fresh].map((j) => j.id));
    expect([a.status, a.firedAt?.toISOString(), a.attempts, a.lastError]).toEqual(['DONE', '2030-06-01T00:00:00.000Z', 0, null]);
    expect([b.status, b.firedAt, b.attempts, b.lastError]).toEqual(['PENDING', null, 3, 'boom']);
    expect(c).toEqual(existing[2]);
    expect([f1, f2]).toEqual(fresh);
  });

  it("lets the transaction's own reads see what it holds back, in the order it was written", async () => {
    const row = job();
    await t.app.hub.db.transaction(async (tx) => {
      const writes = WriteBehind.open(tx.em);
      writes.insert(ScheduledJob, row);
      const seen = await tx.em.findOneBy(ScheduledJob, { id: row.id });
      expect(seen?.jobKey).toBe(row.jobKey);
      writes.track(ScheduledJob, seen!);
      seen!.status = 'CANCELLED';
      writes.save(ScheduledJob, seen!);
      expect((await tx.em.findOneByOrFail(ScheduledJob, { id: row.id })).status).toBe('CANCELLED');
      await writes.close();
    });
    expect((await read([row.id]))[0].status).toBe('CANCELLED');
  });

  it('drops what a failed unit held, without a savepoint when it sent nothing, and keeps the units before and after it', async () => {
    const [kept, dropped, after] = [job(), job(), job()];
    const statements = await counted(() =>
      t.app.hub.db.transaction(async (tx) => {
        const writes = WriteBehind.open(tx.em);
        await writes.unit('wb_unit', async () => writes.insert(ScheduledJob, kept));
        await expect(
          writes.unit('wb_unit', async () => {
            writes.insert(ScheduledJob, dropped);
            throw new AppError(ErrorCode.INVALID_TRANSITION, 'refused');
          }),
        ).rejects.toThrow('refused');
        await writes.unit('wb_unit', async () => writes.insert(ScheduledJob, after));
        await writes.close();
      }),
    );
    expect(statements).toBe(1); // one INSERT of the two kept rows
    const rows = await t.app.hub.db.manager.findBy(ScheduledJob, { kind: 'wb-test' });
    expect(rows.map((r) => r.id)).toEqual(expect.arrayContaining([kept.id, after.id]));
    expect(rows.map((r) => r.id)).not.toContain(dropped.id);
  });

  it('rolls a failed unit back to its savepoint when it had to send statements, and keeps what came before it', async () => {
    const [before, inUnit, sentInUnit] = [job(), job(), job()];
    await t.app.hub.db.transaction(async (tx) => {
      const writes = WriteBehind.open(tx.em);
      writes.insert(ScheduledJob, before);
      await expect(
        writes.unit('wb_unit', async () => {
          writes.insert(ScheduledJob, inUnit);
          // A read inside the unit sends what is held: `before` ahead of the savepoint, `inUnit` after it.
          await tx.em.findOneBy(ScheduledJob, { id: inUnit.id });
          await tx.em.save(ScheduledJob, sentInUnit);
          throw new AppError(ErrorCode.INVALID_TRANSITION, 'refused');
        }),
      ).rejects.toThrow('refused');
      await writes.close();
    });
    const ids = (await t.app.hub.db.manager.findBy(ScheduledJob, { kind: 'wb-test' })).map((r) => r.id);
    expect(ids).toContain(before.id);
    expect(ids).not.toContain(inUnit.id);
    expect(ids).not.toContain(sentInUnit.id);
  });

  it('sends nothing when the transaction fails, and leaves the connection as it was', async () => {
    const row = job();
    await expect(
      t.app.hub.db.transaction(async (tx) => {
        const writes = WriteBehind.open(tx.em);
        try {
          writes.insert(ScheduledJob, row);
          throw new Error('crash before commit');
        } finally {
          writes.release();
        }
      }),
    ).rejects.toThrow('crash before commit');
    expect(await t.app.hub.db.manager.findOneBy(ScheduledJob, { id: row.id })).toBeNull();
    // The pooled connection's query method is its own again: a plain insert goes through at once.
    await t.app.hub.db.transaction(async (tx) => {
      await tx.em.save(ScheduledJob, row);
      expect(await tx.em.findOneBy(ScheduledJob, { id: row.id })).not.toBeNull();
    });
  });
});
