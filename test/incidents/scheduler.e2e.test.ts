import { eventually, startTestHub, TestHub } from '../support/hub';
import { assignToCustomer, createContract, createWorld, FAST_7X24, report, sleep } from './fixtures';

/** Rows in incident_escalations per incident, straight from the database both hubs share. */
async function escalationCounts(t: TestHub, ids: string[]): Promise<number[]> {
  const rows: Array<{ incidentId: string; n: number | string }> = await t.app.hub.db.dataSource.query(
    `SELECT incidentId, COUNT(*) AS n FROM incident_escalations WHERE incidentId IN (${ids.map(() => '?').join(',')}) GROUP BY incidentId`,
    ids,
  );
  return ids.map((id) => Number(rows.find((r) => r.incidentId === id)?.n ?? 0));
}

async function breachEvents(t: TestHub, id: string): Promise<number> {
  const rows: Array<{ n: number | string }> = await t.app.hub.db.dataSource.query(
    `SELECT COUNT(*) AS n FROM incident_events WHERE incidentId = ? AND type = 'CLOCK_BREACHED'`,
    [id],
  );
  return Number(rows[0].n);
}

describe('SLA timers are durable', () => {
  it('fires an escalation that fell due while no hub was running, once, after restart', async () => {
    const first = await startTestHub({ env: { SCHEDULER_ENABLED: 'false' } });
    let second: TestHub | null = null;
    try {
      const w = await createWorld(first);
      const contract = await createContract(first, { plan: FAST_7X24 });
      await assignToCustomer(first, contract, w.customerA);
      const incident = await report(first, { deviceSerial: w.deviceA1.serial, severity: 'P4' });
      await sleep(2500); // past the PT2S response deadline, but nothing fires here
      expect(await escalationCounts(first, [incident.id])).toEqual([0]);
      await first.stop({ drop: false });

      second = await startTestHub({ db: first.db });
      const [count] = await eventually(
        () => escalationCounts(second!, [incident.id]),
        ([n]) => n > 0,
        5000,
        50,
      );
      expect(count).toBe(2); // severity P4 → P3 and ENGINEER → TEAM_LEAD, for the one breach
      await sleep(1000);
      expect(await escalationCounts(second, [incident.id])).toEqual([2]);
      expect(await breachEvents(second, incident.id)).toBe(1);
      const after = await second.ok(`query($id: ID!) { incident(id: $id) { severity managementLevel timeline { type } } }`, {
        id: incident.id,
      });
      expect(after.incident).toMatchObject({ severity: 'P3', managementLevel: 'TEAM_LEAD' });
      // The 75 % warning is stale by then: a breached clock gets no warning.
      expect(after.incident.timeline.map((e: { type: string }) => e.type)).not.toContain('CLOCK_WARNING');
    } finally {
      await second?.stop({ drop: false });
      await first.db.drop();
    }
  });

  it('with two hub instances on one database, each escalation fires exactly once', async () => {
    const a = await startTestHub({ env: { INSTANCE_ID: 'hub-a' } });
    const b = await startTestHub({ db: a.db, env: { INSTANCE_ID: 'hub-b' } });
    try {
      const w = await createWorld(a);
      const contract = await createContract(a, { plan: FAST_7X24 });
      await assignToCustomer(a, contract, w.customerA);
      const ids: string[] = [];
      for (let i = 0; i < 8; i++) ids.push((await report(i % 2 ? b : a, { deviceSerial: w.deviceA1.serial, severity: 'P4' })).id);
      await eventually(
        () => escalationCounts(a, ids),
        (counts) => counts.every((n) => n >= 2),
        15_000,
        100,
      );
      await sleep(1500);
      expect(await escalationCounts(a, ids)).toEqual(ids.map(() => 2));
      for (const id of ids) expect(await breachEvents(a, id)).toBe(1);
      const fired: Array<{ firedBy: string; n: number | string }> = await a.app.hub.db.dataSource.query(
        `SELECT firedBy, COUNT(*) AS n FROM scheduled_jobs WHERE jobKey LIKE 'incident:%:RESPONSE:BREACH:%' AND status = 'DONE' GROUP BY firedBy`,
      );
      expect(fired.reduce((sum, r) => sum + Number(r.n), 0)).toBe(ids.length);
    } finally {
      await b.stop({ drop: false });
      await a.stop();
    }
  });
});
