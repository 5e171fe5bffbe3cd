/**
 * 5. SLA scheduler: 100,000 open incidents (quick: 10,000) with their SLA
 * timers in scheduled_jobs, cloned in bulk from an incident reported through
 * the API (the clocks shifted in time, the job keys rebuilt), so every timer
 * fires through the real handler. Most deadlines lie hours ahead; in two
 * measured windows deadlines come due at a fixed rate, half of them response
 * warnings, half response breaches (escalation, outbox events, re-planned
 * timers). Window 1: one hub instance runs the scheduler; window 2: two.
 * Lateness = scheduled_jobs.firedAt - dueAt (SQL); DB load = SHOW GLOBAL
 * STATUS Questions per second (every client of the server: other users of the
 * MariaDB show up too; the idle rate right before each window is reported).
 */
import type { Pool } from 'mysql2/promise';
import { Role } from '../src/platform/auth/principal';
import { bulkInsert, createBenchDatabase, globalQuestions, scalar, selectAll } from './lib/db';
import { ok } from './lib/gql';
import { startHubProcess, type HubProcess } from './lib/hub-process';
import type { BenchContext, BenchResult, Check } from './lib/report';
import { round, sleep, summarize } from './lib/stats';
import { clone, createCustomerWorld, rng, uuid } from './lib/world';

type Row = Record<string, unknown>;
interface Template {
  incident: Row;
  events: Row[];
  jobs: Array<Row & { what: string; dueMs: number }>;
  reportedMs: number;
}

export async function sla(ctx: BenchContext): Promise<BenchResult> {
  const incidents = ctx.quick ? 10_000 : 100_000;
  const rate = ctx.quick ? 20 : 40; // deadlines per second coming due in each window
  const windowS = ctx.quick ? 8 : 45;
  const perWindow = rate * windowS;
  const db = await createBenchDatabase(ctx.mysqlUrl, 'sla');
  const notes: string[] = [];
  const hubs: HubProcess[] = [];
  try {
    const a = await startHubProcess({ name: 'sla-hub-1', databaseUrl: db.url, logDir: ctx.logDir, env: { INSTANCE_ID: 'sla-hub-1' } });
    hubs.push(a);
    const admin = await a.key(Role.ADMIN, null, 'bench admin');
    // Response target 1 h: a warning at 45 min, the breach 15 min later; on-site 8 h, restore 1 d.
    const world = await createCustomerWorld(a.url, admin, 'SLA-T', 'PT1H');
    const r = await ok(a.url, admin, `mutation($i: ReportIncidentInput!) { reportIncident(input: $i) { id } }`, {
      i: { deviceSerial: world.serial, severity: 'P2', summary: 'Template: storage controller failure', channel: 'API' },
    });
    const tpl = await readTemplate(db.pool, r.reportIncident.id);
    ctx.log(`template incident with ${tpl.jobs.length} timers (${tpl.jobs.map((j) => j.what).join(', ')}); seeding ${incidents} incidents`);

    // The bulk: deadlines 1-48 h ahead, nothing due during the run.
    const t0 = Date.now();
    const random = rng(11);
    const far = incidents - 2 * perWindow;
    for (let done = 0; done < far;) {
      const batch = Math.min(5000, far - done);
      const rows = makeIncidents(tpl, batch, () => ({ dueAt: Date.now() + 3600_000 + random() * 47 * 3600_000, kind: 'far' as const }));
      await insertIncidents(db.pool, rows);
      done += batch;
    }
    const seedS = (Date.now() - t0) / 1000;
    ctx.log(`seeded ${far} incidents with ${far * tpl.jobs.length} timers in ${seedS.toFixed(1)}s`);

    // Second instance, scheduler off until window 2.
    const b = await startHubProcess({
      name: 'sla-hub-2',
      databaseUrl: db.url,
      logDir: ctx.logDir,
      env: { INSTANCE_ID: 'sla-hub-2', SCHEDULER_ENABLED: 'false' },
    });
    hubs.push(b);

    // The two windows' deadlines, relative to now.
    const lead = ctx.quick ? 6_500 : 12_000;
    const gapS = ctx.quick ? 6 : 20;
    const idleS = ctx.quick ? 3 : 5;
    const t1 = Date.now() + lead;
    const t2 = t1 + (windowS + gapS) * 1000;
    const phaseJobs: string[][] = [[], []];
    for (const [p, start] of [t1, t2].entries()) {
      const rows = makeIncidents(tpl, perWindow, (i) => ({
        dueAt: start + ((i + random()) / perWindow) * windowS * 1000,
        kind: i % 2 === 0 ? ('warn' as const) : ('breach' as const),
      }));
      phaseJobs[p] = rows.dueJobIds;
      await insertIncidents(db.pool, rows);
    }
    const total = await scalar(db.pool, 'SELECT COUNT(*) FROM scheduled_jobs WHERE status = ?', ['PENDING']);
    ctx.log(
      `+ ${2 * perWindow} incidents due in two ${windowS}s windows at ${rate}/s; ${total} pending timers; window 1 starts in ${((t1 - Date.now()) / 1000).toFixed(1)}s`,
    );
    if (Date.now() > t1 - idleS * 1000) notes.push('seeding the windows took longer than the lead time: window 1 started early');

    const checks: Check[] = [];
    const phases: Record<string, unknown> = {};
    for (const [p, start] of [t1, t2].entries()) {
      const label = p === 0 ? '1 instance' : '2 instances';
      if (p === 1) {
        await sleep(Math.max(0, start - idleS * 1000 - 2_000 - Date.now()));
        await b.schedulerStart();
      }
      // Idle load just before the window (hub polling + whatever else uses the server).
      await sleep(Math.max(0, start - idleS * 1000 - Date.now()));
      const q0 = await globalQuestions(db.pool);
      const i0 = Date.now();
      await sleep(Math.max(0, start - 500 - Date.now()));
      const idleQps = ((await globalQuestions(db.pool)) - q0) / ((Date.now() - i0) / 1000);
      for (const h of hubs) await h.resetStats();
      const qStart = await globalQuestions(db.pool);
      const wStart = Date.now();
      await sleep(Math.max(0, start + windowS * 1000 - Date.now()));
      // Let the window's last deadlines fire (up to 60 s), then read lateness from the table.
      const ids = phaseJobs[p];
      const deadline = Date.now() + 60_000;
      let pending = ids.length;
      while (Date.now() < deadline) {
        pending = await countPending(db.pool, ids);
        if (pending === 0) break;
        await sleep(500);
      }
      const wEnd = Date.now();
      const qps = ((await globalQuestions(db.pool)) - qStart) / ((wEnd - wStart) / 1000);
      const late = await lateness(db.pool, ids);
      const perInstance = await Promise.all(
        hubs.map(async (h) => ({ instance: h.instanceId, fired: await h.lateness(), process: await h.stats() })),
      );
      const s = summarize(late.lateMs);
      const fired = late.lateMs.length - late.unfired;
      const jobsPerS = fired / ((wEnd - wStart) / 1000);
      const queriesPerJob = fired ? ((qps - idleQps) * (wEnd - wStart)) / 1000 / fired : NaN;
      phases[label] = {
        window: { startsAt: new Date(start).toISOString(), seconds: windowS, dueJobs: ids.length, rate },
        latenessMs: s,
        unfiredAtEnd: late.unfired,
        firedBy: late.firedBy,
        outcomes: late.outcomes,
        dbQuestionsPerS: round(qps, 0),
        idleQuestionsPerS: round(idleQps, 0),
        queriesPerFiredJob: round(queriesPerJob, 1),
        firedPerS: round(jobsPerS, 1),
        hubs: perInstance,
      };
      ctx.log(
        `${label}: lateness p50 ${s.p50} p99 ${s.p99} max ${s.max} ms over ${ids.length} due (${late.unfired} unfired), fired by ${JSON.stringify(late.firedBy)}, ` +
          `${round(qps, 0)} q/s (idle ${round(idleQps, 0)}), ~${round(queriesPerJob, 1)} queries/job`,
      );
      checks.push({
        metric: `lateness p50/p99 ms, ${label}`,
        hub: `${s.p50}/${s.p99}`,
        target: 'p99 < 2000',
        pass: s.p99 < 2000 && late.unfired === 0,
      });
      checks.push({ metric: `DB q/s (idle), ${label}`, hub: `${round(qps, 0)} (${round(idleQps, 0)})`, target: 'info', pass: true });
    }
    const errors = await scalar(db.pool, `SELECT COUNT(*) FROM scheduled_jobs WHERE lastError IS NOT NULL`);
    if (errors) notes.push(`${errors} jobs recorded an error (see scheduled_jobs.lastError)`);
    const dupEscalations = await scalar(
      db.pool,
      `SELECT COUNT(*) FROM (SELECT jobKey, COUNT(*) c FROM incident_escalations WHERE jobKey IS NOT NULL GROUP BY jobKey, kind HAVING c > 1) d`,
    );
    checks.push({ metric: 'jobs fired twice (escalations per job)', hub: dupEscalations, target: '0', pass: dupEscalations === 0 });
    for (const h of hubs) await h.stop();
    return {
      name: 'sla',
      checks,
      details: { incidents, timersPerIncident: tpl.jobs.length, seedSeconds: round(seedS, 1), phases, jobErrors: errors },
      notes,
    };
  } finally {
    for (const h of hubs) await h.stop().catch(() => undefined);
    await db.drop();
  }
}

export async function readTemplate(pool: Pool, incidentId: string): Promise<Template> {
  const [incident] = await selectAll<Row>(pool, 'SELECT * FROM incidents WHERE id = ?', [incidentId]);
  const events = await selectAll<Row>(pool, 'SELECT * FROM incident_events WHERE incidentId = ?', [incidentId]);
  const jobs = await selectAll<Row>(pool, `SELECT * FROM scheduled_jobs WHERE jobKey LIKE ? AND status = 'PENDING'`, [
    `incident:${incidentId}:%`,
  ]);
  return {
    incident,
    events,
    jobs: jobs.map((j) => {
      const m = /^incident:[^:]+:(.+):(\d{15})$/.exec(j.jobKey as string);
      if (!m) throw new Error(`unexpected job key ${j.jobKey}`);
      return { ...j, what: m[1], dueMs: Number(m[2]) };
    }),
    reportedMs: (incident.reportedAt as Date).getTime(),
  };
}

const ISO_FIELDS = ['startedAt', 'lastEventAt', 'rebaselinedAt', 'stoppedAt'];
const key = (id: string, what: string, ms: number) => `incident:${id}:${what}:${String(Math.round(ms)).padStart(15, '0')}`;

interface Rows {
  incidents: Row[];
  events: Row[];
  jobs: Row[];
  dueJobIds: string[];
}

/**
 * Copies of the template shifted in time so that, for 'warn', its response
 * warning, for 'breach', its response breach comes due at `dueAt` (the
 * warning then lies in the past: marked DONE, and the clock marked warned, as
 * if it had fired); 'far' shifts the response warning to `dueAt`.
 */
export function makeIncidents(tpl: Template, count: number, plan: (i: number) => { dueAt: number; kind: 'far' | 'warn' | 'breach' }): Rows {
  const out: Rows = { incidents: [], events: [], jobs: [], dueJobIds: [] };
  const warn = tpl.jobs.find((j) => j.what === 'RESPONSE:WARN');
  const breach = tpl.jobs.find((j) => j.what === 'RESPONSE:BREACH');
  if (!warn || !breach) throw new Error('template incident has no response warning/breach timers');
  const clocks = JSON.parse(tpl.incident.clocks as string) as Record<string, Record<string, unknown>>;
  const now = new Date();
  for (let i = 0; i < count; i++) {
    const { dueAt, kind } = plan(i);
    const delta = dueAt - (kind === 'breach' ? breach.dueMs : warn.dueMs);
    const id = uuid();
    const shifted: Record<string, Record<string, unknown>> = {};
    for (const [k, c] of Object.entries(clocks)) {
      const copy = { ...c };
      for (const f of ISO_FIELDS) if (typeof copy[f] === 'string') copy[f] = new Date(Date.parse(copy[f] as string) + delta).toISOString();
      if (kind === 'breach' && k === 'RESPONSE') copy.warnedBudgetMs = copy.budgetMs;
      shifted[k] = copy;
    }
    const keys: string[] = [];
    for (const j of tpl.jobs) {
      const due = j.dueMs + delta;
      const jobKey = key(id, j.what, due);
      const done = kind === 'breach' && j.what === 'RESPONSE:WARN';
      const jobId = uuid();
      out.jobs.push(
        clone(j, {
          id: jobId,
          jobKey,
          dueAt: new Date(due),
          payload: JSON.stringify({ ...(JSON.parse(j.payload as string) as object), incidentId: id }),
          status: done ? 'DONE' : 'PENDING',
          firedAt: done ? new Date(due + 100) : null,
          firedBy: done ? 'bench-seed' : null,
          createdAt: now,
        }),
      );
      delete (out.jobs.at(-1) as Row).what;
      delete (out.jobs.at(-1) as Row).dueMs;
      if (!done) keys.push(jobKey);
      if ((kind === 'warn' && j.what === 'RESPONSE:WARN') || (kind === 'breach' && j.what === 'RESPONSE:BREACH')) out.dueJobIds.push(jobId);
    }
    const at = (field: string) =>
      tpl.incident[field] instanceof Date ? new Date((tpl.incident[field] as Date).getTime() + delta) : tpl.incident[field];
    out.incidents.push(
      clone(tpl.incident, {
        id,
        externalRef: null,
        summary: `Incident ${id.slice(0, 8)}: storage controller failure`,
        reportedAt: at('reportedAt'),
        updatedAt: at('updatedAt'),
        nextDueAt: at('nextDueAt'),
        clocks: JSON.stringify(shifted),
        jobKeys: JSON.stringify(keys),
      }),
    );
    for (const e of tpl.events) out.events.push(clone(e, { id: uuid(), incidentId: id, at: new Date((e.at as Date).getTime() + delta) }));
  }
  return out;
}

export async function insertIncidents(pool: Pool, rows: Rows): Promise<void> {
  await bulkInsert(pool, 'incidents', rows.incidents, 500);
  await bulkInsert(pool, 'incident_events', rows.events, 2000);
  await bulkInsert(pool, 'scheduled_jobs', rows.jobs, 2000);
}

export async function countPending(pool: Pool, ids: string[]): Promise<number> {
  let n = 0;
  for (let i = 0; i < ids.length; i += 5000)
    n += await scalar(pool, `SELECT COUNT(*) FROM scheduled_jobs WHERE id IN (?) AND status = 'PENDING'`, [ids.slice(i, i + 5000)]);
  return n;
}

export async function lateness(pool: Pool, ids: string[]) {
  const lateMs: number[] = [];
  const firedBy: Record<string, number> = {};
  const outcomes: Record<string, number> = {};
  let unfired = 0;
  const now = Date.now();
  for (let i = 0; i < ids.length; i += 5000) {
    const rows = await selectAll<{ dueAt: Date; firedAt: Date | null; firedBy: string | null; status: string }>(
      pool,
      'SELECT dueAt, firedAt, firedBy, status FROM scheduled_jobs WHERE id IN (?)',
      [ids.slice(i, i + 5000)],
    );
    for (const r of rows) {
      outcomes[r.status] = (outcomes[r.status] ?? 0) + 1;
      if (r.firedAt) {
        lateMs.push(r.firedAt.getTime() - r.dueAt.getTime());
        firedBy[r.firedBy ?? '?'] = (firedBy[r.firedBy ?? '?'] ?? 0) + 1;
      } else {
        unfired++;
        lateMs.push(now - r.dueAt.getTime()); // still waiting: at least this late
      }
    }
  }
  return { lateMs, firedBy, outcomes, unfired };
}
