/**
 * 6. Cost that does not grow with the data (full run only; `--only scaling` runs
 * it alone, also with --quick at smaller sizes): the partner portal query
 * (first=50) p99 and rate with 10,000, 100,000 and 1,000,000 RMAs stored, the
 * reservation rate (spread over 1,000 SKUs) with as many stock movements, and
 * the SLA scheduler's lateness with 100,000 and 1,000,000 open timers.
 *
 * The portal starts from the portal benchmark's data (10,000 RMAs, half the
 * partner's) and grows with RMAs of the other partner centres, which the
 * partner does not see: what the partner sees stays the same, so its page should
 * cost the same (indexes, not scans). The timers grow with pending jobs due
 * hours ahead; in a window of 20 s deadlines come due at 40/s as in the sla
 * benchmark. Rows are generated on the server (INSERT … SELECT over MariaDB's
 * SEQUENCE engine), so 1,000,000 rows take a minute or two, not a client's
 * round trips. EXPLAIN of the portal's statements (from the hub's own SQL,
 * logged by a probe hub at trace level) and of the scheduler's due query is
 * printed for each size.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Pool } from 'mysql2/promise';
import { Role } from '../src/platform/auth/principal';
import { spawnChild, type Child } from './lib/children';
import { createBenchDatabase, scalar, selectAll } from './lib/db';
import { gql, ok } from './lib/gql';
import { startHubProcess, type HubProcess } from './lib/hub-process';
import type { LoadResult, ReserveLoad, StaticLoad } from './lib/load-child';
import type { BenchContext, BenchResult, Check } from './lib/report';
import { round, sleep, summarize } from './lib/stats';
import { createCustomerWorld, rng } from './lib/world';
import { PORTAL_QUERY, seedPortal } from './portal';
import { RESERVE, seedReservations } from './reservations';
import { countPending, insertIncidents, lateness, makeIncidents, readTemplate } from './sla';

type Row = Record<string, unknown>;

export async function scaling(ctx: BenchContext): Promise<BenchResult> {
  const checks: Check[] = [];
  const notes: string[] = [];
  const details: Record<string, unknown> = {};
  const portalSizes = ctx.quick ? [2_000, 20_000] : [10_000, 100_000, 1_000_000];
  const timerSizes = ctx.quick ? [20_000, 100_000] : [100_000, 1_000_000];
  const movementSizes = ctx.quick ? [2_000, 20_000] : [10_000, 100_000, 1_000_000];
  details.portal = await portalScaling(ctx, portalSizes, checks, notes);
  details.reservations = await reservationScaling(ctx, movementSizes, checks, notes);
  details.scheduler = await schedulerScaling(ctx, timerSizes, checks, notes);
  return { name: 'scaling', checks, details, notes };
}

/** Table columns in order (the generated INSERT names each one). */
async function columnsOf(pool: Pool, table: string): Promise<string[]> {
  const rows = await selectAll<{ c: string }>(
    pool,
    'SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
    [table],
  );
  return rows.map((r) => r.c);
}

/**
 * `count` copies of the template row `t` (chosen by `templateWhere`), made on the server in chunks:
 * `exprs` gives SQL for the columns that vary (`s.seq` is the copy's number from `from`, `t.col` the template's value).
 */
async function grow(pool: Pool, table: string, templateWhere: string, from: number, count: number, exprs: Record<string, string>) {
  const columns = await columnsOf(pool, table);
  for (const c of Object.keys(exprs)) if (!columns.includes(c)) throw new Error(`${table} has no column ${c}`);
  const list = columns.map((c) => `\`${c}\``).join(', ');
  const select = columns.map((c) => exprs[c] ?? `t.\`${c}\``).join(', ');
  const chunk = 50_000;
  for (let start = from; start < from + count; start += chunk) {
    const end = Math.min(from + count, start + chunk) - 1;
    await pool.query(
      `INSERT INTO \`${table}\` (${list}) SELECT ${select} FROM seq_${start}_to_${end} s JOIN (SELECT * FROM \`${table}\` WHERE ${templateWhere} LIMIT 1) t`,
    );
  }
}

async function explain(pool: Pool, sql: string, params: unknown[]): Promise<string[]> {
  const rows = await selectAll<Row>(pool, `EXPLAIN ${sql}`, params);
  return rows.map(
    (r) =>
      `${String(r.table)}: type=${String(r.type)} key=${String(r.key)} rows=${String(r.rows)}${r.Extra ? ` (${String(r.Extra)})` : ''}`,
  );
}

/** The hub's own SELECTs for one portal page: a probe hub at trace level logs every statement with its parameters. */
async function portalStatements(ctx: BenchContext, dbUrl: string, key: string, tag: string) {
  const name = `scaling-trace-hub-${tag}`;
  const probe = await startHubProcess({
    name,
    databaseUrl: dbUrl,
    logDir: ctx.logDir,
    env: { LOG_LEVEL: 'trace', SCHEDULER_ENABLED: 'false' },
  });
  try {
    await gql(probe.url, key, PORTAL_QUERY, { first: 50 }); // fills the API-key cache
    await sleep(300);
    const file = path.join(ctx.logDir, `${name}.log`);
    const before = readFileSync(file, 'utf8').length;
    await gql(probe.url, key, PORTAL_QUERY, { first: 50 });
    await sleep(500);
    const out = loggedStatements(file, before, /api_keys|leases|notifications|webhook|outbox|scheduled_jobs/);
    return out;
  } finally {
    await probe.stop();
  }
}

async function portalScaling(ctx: BenchContext, sizes: number[], checks: Check[], notes: string[]) {
  const db = await createBenchDatabase(ctx.mysqlUrl, 'scale_portal');
  let hub: HubProcess | null = null;
  let loader: Child | null = null;
  try {
    hub = await startHubProcess({ name: 'scaling-portal-hub', databaseUrl: db.url, logDir: ctx.logDir });
    const admin = await hub.key(Role.ADMIN, null, 'bench admin');
    const seeded = await seedPortal(ctx, hub.url, admin, db.pool, sizes[0]);
    const partnerKey = await hub.key(Role.PARTNER, seeded.partnerId, 'bench partner portal');
    loader = spawnChild('scaling-load', 'lib/load-child.js', { logFile: path.join(ctx.logDir, 'scaling-load.log') });
    const others = await selectAll<{ id: string }>(
      db.pool,
      `SELECT DISTINCT originCentreId AS id FROM rmas WHERE originCentreId <> ? AND centreId <> ?`,
      [seeded.partnerId, seeded.partnerId],
    );
    const [template] = await selectAll<{ id: string; serialNumber: string }>(
      db.pool,
      `SELECT id, serialNumber FROM rmas WHERE originCentreId <> ? AND centreId <> ? LIMIT 1`,
      [seeded.partnerId, seeded.partnerId],
    );
    const windowS = ctx.quick ? 3 : 8;
    const spec = (durationS: number): StaticLoad => ({
      kind: 'static',
      url: hub!.url,
      path: '/graphql',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${partnerKey}` },
      body: JSON.stringify({ query: PORTAL_QUERY, variables: { first: 50 } }),
      connections: 16,
      durationS,
    });
    const results: Array<{ rmas: number; rps: number; p50: number; p99: number; explain: string[]; scans: number; seedS: number }> = [];
    let stored = await scalar(db.pool, 'SELECT COUNT(*) FROM rmas');
    const first = await gql(hub.url, partnerKey, PORTAL_QUERY, { first: 50 });
    const reference = JSON.stringify(first.data);
    for (const size of sizes) {
      const t0 = Date.now();
      if (size > stored) {
        // Other partners' RMAs, newer and older than the partner's (spread over two years), one part each.
        const add = size - stored;
        const q = (s: string) => db.pool.escape(s);
        await grow(db.pool, 'rmas', `id = ${q(template.id)}`, stored, add, {
          id: 'UUID()',
          number: `CONCAT('RMA-SX-', LPAD(s.seq, 8, '0'))`,
          serialNumber: `CONCAT('SN-SX-', LPAD(s.seq, 8, '0'))`,
          originCentreId: `ELT(1 + s.seq % ${others.length}, ${others.map((o) => q(o.id)).join(', ')})`,
          centreId: `ELT(1 + s.seq % ${others.length}, ${others.map((o) => q(o.id)).join(', ')})`,
          createdAt: `DATE_SUB(NOW(3), INTERVAL (s.seq * 7919) % 63072000 SECOND)`,
          requestedAt: `DATE_SUB(NOW(3), INTERVAL (s.seq * 7919) % 63072000 SECOND)`,
          status: `ELT(1 + s.seq % 4, 'REQUESTED', 'APPROVED', 'IN_REPAIR', 'RETURNED_TO_CUSTOMER')`,
        });
        await db.pool.query(
          `INSERT INTO rma_parts (id, rmaId, kind, partNumber, description, \`condition\`, source, manufacturer, serialNumber, quantity, waiverApplied, recordedAt, recordedBy)
           SELECT UUID(), r.id, 'FAULTY', 'PSU-750W', NULL, NULL, NULL, NULL, NULL, 1, 0, r.createdAt, 'bench' FROM rmas r
           LEFT JOIN rma_parts p ON p.rmaId = r.id WHERE r.number LIKE 'RMA-SX-%' AND p.id IS NULL`,
        );
        await db.pool.query('ANALYZE TABLE rmas, rma_parts');
        stored = await scalar(db.pool, 'SELECT COUNT(*) FROM rmas');
      }
      const seedS = (Date.now() - t0) / 1000;
      // Same answer at every size: the partner sees the same RMAs.
      const page = await gql(hub.url, partnerKey, PORTAL_QUERY, { first: 50 });
      if (JSON.stringify(page.data) !== reference) notes.push(`portal answer changed at ${stored} RMAs`);
      await loader.call<LoadResult>('run', spec(2), 60_000);
      const load = await loader.call<LoadResult>('run', spec(windowS), (windowS + 60) * 1000);
      const statements = await portalStatements(ctx, db.url, partnerKey, String(size));
      const plans: string[] = [];
      let scans = 0;
      for (const s of statements) {
        plans.push(`  ${shapeOf(s.sql).slice(0, 160)}${s.sql.length > 160 ? '…' : ''}`);
        for (const p of await explain(db.pool, s.sql, revive(s.params))) {
          plans.push(`    ${p}`);
          if (/type=(ALL|index) /.test(p) && Number(/rows=(\d+)/.exec(p)?.[1] ?? 0) > 1000) scans++;
        }
      }
      results.push({
        rmas: stored,
        rps: round(load.rps, 1),
        p50: load.latencyMs.p50,
        p99: load.latencyMs.p99,
        explain: plans,
        scans,
        seedS: round(seedS, 1),
      });
      ctx.log(
        `portal with ${stored} RMAs (grown in ${seedS.toFixed(1)}s): first=50 ${round(load.rps, 1)} req/s, p50 ${load.latencyMs.p50} p99 ${load.latencyMs.p99} ms ${JSON.stringify(load.classes)}\n` +
          `EXPLAIN (portal, ${stored} RMAs):\n${plans.join('\n')}`,
      );
      if (Object.keys(load.classes).some((k) => k !== 'OK')) notes.push(`portal errors at ${stored} RMAs: ${JSON.stringify(load.classes)}`);
    }
    for (const r of results) checks.push({ metric: `portal scans (EXPLAIN) @${r.rmas}`, hub: r.scans, target: '0', pass: r.scans === 0 });
    const base = results[0];
    for (const r of results.slice(1)) {
      const p99Ratio = r.p99 / base.p99;
      const rpsRatio = r.rps / base.rps;
      checks.push({
        metric: `portal p99 ms @${r.rmas} vs @${base.rmas}`,
        hub: r.p99,
        baseline: base.p99,
        ratio: p99Ratio,
        target: '<= 150%',
        pass: p99Ratio <= 1.5,
      });
      checks.push({
        metric: `portal req/s @${r.rmas} vs @${base.rmas}`,
        hub: r.rps,
        baseline: base.rps,
        ratio: rpsRatio,
        target: '>= 67%',
        pass: rpsRatio >= 1 / 1.5,
      });
    }
    for (const r of results) notes.push(`EXPLAIN portal @${r.rmas} RMAs:\n${r.explain.join('\n')}`);
    return { partnerVisible: seeded.visible, sizes: results };
  } finally {
    await loader?.stop().catch(() => undefined);
    await hub?.stop().catch(() => undefined);
    await db.drop();
  }
}

/** A statement's shape: the IN lists of different lengths and literal values aside. */
const shapeOf = (sql: string) => sql.replace(/\(\s*\?(\s*,\s*\?)*\s*\)/g, '(?…)').replace(/\s+/g, ' ');

/** Distinct SELECT/UPDATE/DELETE statements in a trace-level hub log, from byte `from` on, with one set of their parameters. */
function loggedStatements(file: string, from: number, skip: RegExp): Array<{ sql: string; params: unknown[] }> {
  const seen = new Map<string, { sql: string; params: unknown[] }>();
  for (const line of readFileSync(file, 'utf8').slice(from).split('\n')) {
    if (!line.includes('"msg":"sql"')) continue;
    const entry = JSON.parse(line) as { query: string; parameters?: unknown[] };
    if (!/^\s*(SELECT|UPDATE|DELETE)/i.test(entry.query) || skip.test(entry.query)) continue;
    const shape = shapeOf(entry.query);
    if (!seen.has(shape)) seen.set(shape, { sql: entry.query, params: entry.parameters ?? [] });
  }
  return [...seen.values()];
}

/** Parameters as the trace log wrote them (dates as ISO strings) back into values MariaDB compares as the hub's did. */
const revive = (params: unknown[]) =>
  params.map((p) => (typeof p === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(p) ? new Date(p) : p));

async function schedulerScaling(ctx: BenchContext, sizes: number[], checks: Check[], notes: string[]) {
  const db = await createBenchDatabase(ctx.mysqlUrl, 'scale_sla');
  const rate = ctx.quick ? 20 : 40; // as in the sla benchmark
  const windowS = ctx.quick ? 8 : 20;
  let hub: HubProcess | null = null;
  const start = (name: string, env: Record<string, string> = {}) =>
    startHubProcess({ name, databaseUrl: db.url, logDir: ctx.logDir, env: { INSTANCE_ID: name, ...env } });
  try {
    hub = await start('scaling-sla-setup');
    const admin = await hub.key(Role.ADMIN, null, 'bench admin');
    const world = await createCustomerWorld(hub.url, admin, 'SCALE-T', 'PT1H');
    const r = await ok(hub.url, admin, `mutation($i: ReportIncidentInput!) { reportIncident(input: $i) { id } }`, {
      i: { deviceSerial: world.serial, severity: 'P2', summary: 'Template: storage controller failure', channel: 'API' },
    });
    await hub.stop();
    hub = null;
    const tpl = await readTemplate(db.pool, r.reportIncident.id);
    const random = rng(13);
    const results: Array<{
      timers: number;
      p50: number;
      p99: number;
      max: number;
      unfired: number;
      explain: string[];
      scans: number;
      seedS: number;
    }> = [];
    for (const size of sizes) {
      const t0 = Date.now();
      const pending = await scalar(db.pool, `SELECT COUNT(*) FROM scheduled_jobs WHERE status = 'PENDING'`);
      // Open timers of other incidents, due 1-48 h ahead (never during the run), made on the server.
      const perWindow = rate * windowS;
      const add = size - pending - perWindow * tpl.jobs.length;
      if (add > 0) {
        const offset = await scalar(db.pool, `SELECT COUNT(*) FROM scheduled_jobs WHERE jobKey LIKE 'bench-timer:%'`);
        await grow(
          db.pool,
          'scheduled_jobs',
          `jobKey LIKE ${db.pool.escape(`incident:${r.reportIncident.id as string}:%`)}`,
          offset + 1,
          add,
          {
            id: 'UUID()',
            jobKey: `CONCAT('bench-timer:', s.seq)`,
            dueAt: `DATE_ADD(NOW(3), INTERVAL 3600 + (s.seq * 7919) % 169200 SECOND)`,
            status: `'PENDING'`,
          },
        );
        await db.pool.query('ANALYZE TABLE scheduled_jobs');
      }
      const seedS = (Date.now() - t0) / 1000;
      hub = await start(`scaling-sla-hub-${size}`);
      // The window: incidents whose response warning or breach comes due at `rate` per second.
      const windowStart = Date.now() + 8_000;
      const rows = makeIncidents(tpl, perWindow, (i) => ({
        dueAt: windowStart + ((i + random()) / perWindow) * windowS * 1000,
        kind: i % 2 === 0 ? ('warn' as const) : ('breach' as const),
      }));
      await insertIncidents(db.pool, rows);
      const timers = await scalar(db.pool, `SELECT COUNT(*) FROM scheduled_jobs WHERE status = 'PENDING'`);
      await sleep(Math.max(0, windowStart + windowS * 1000 - Date.now()));
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline && (await countPending(db.pool, rows.dueJobIds)) > 0) await sleep(500);
      const late = await lateness(db.pool, rows.dueJobIds);
      await hub.stop();
      hub = null;

      // The statements of the fire path, from a probe hub at trace level firing a few more of the same deadlines.
      const probeName = `scaling-sla-trace-${size}`;
      hub = await start(probeName, { LOG_LEVEL: 'trace' });
      const probeRows = makeIncidents(tpl, 10, (i) => ({ dueAt: Date.now() + 2_000 + i * 50, kind: i % 2 === 0 ? 'warn' : 'breach' }));
      await insertIncidents(db.pool, probeRows);
      const probeDeadline = Date.now() + 30_000;
      while (Date.now() < probeDeadline && (await countPending(db.pool, probeRows.dueJobIds)) > 0) await sleep(300);
      await hub.stop();
      hub = null;
      const statements = loggedStatements(
        path.join(ctx.logDir, `${probeName}.log`),
        0,
        /api_keys|leases|notifications|webhook|outbox|information_schema|schema_migrations|version\(\)/i,
      );
      const plan: string[] = [];
      let scans = 0;
      for (const st of statements) {
        plan.push(`  ${shapeOf(st.sql).slice(0, 170)}${st.sql.length > 170 ? '…' : ''}`);
        for (const line of await explain(db.pool, st.sql, revive(st.params))) {
          plan.push(`    ${line}`);
          const rowsExamined = Number(/rows=(\d+)/.exec(line)?.[1] ?? 0);
          if (/type=(ALL|index) /.test(line) && rowsExamined > 1000) scans++;
        }
      }
      const s = summarize(late.lateMs);
      results.push({ timers, p50: s.p50, p99: s.p99, max: s.max, unfired: late.unfired, explain: plan, scans, seedS: round(seedS, 1) });
      ctx.log(
        `scheduler with ${timers} open timers (grown in ${seedS.toFixed(1)}s): lateness p50 ${s.p50} p99 ${s.p99} max ${s.max} ms over ${rows.dueJobIds.length} due (${late.unfired} unfired); ` +
          `${statements.length} statement shapes on the poll and fire path, ${scans} scanning more than 1,000 rows\n` +
          `EXPLAIN (scheduler, ${timers} timers):\n${plan.join('\n')}`,
      );
    }
    for (const r of results) {
      checks.push({
        metric: `lateness p99 ms @${r.timers} open timers`,
        hub: r.p99,
        target: 'p99 < 2000',
        pass: r.p99 < 2000 && r.unfired === 0,
      });
      checks.push({ metric: `scheduler scans (EXPLAIN) @${r.timers}`, hub: r.scans, target: '0', pass: r.scans === 0 });
    }
    const base = results[0];
    for (const r of results.slice(1)) {
      const ratio = r.p99 / Math.max(1, base.p99);
      checks.push({
        metric: `lateness p99 @${r.timers} vs @${base.timers}`,
        hub: r.p99,
        baseline: base.p99,
        ratio,
        target: '<= 150%',
        pass: ratio <= 1.5,
      });
    }
    for (const r of results) notes.push(`EXPLAIN scheduler poll and fire path @${r.timers} open timers:\n${r.explain.join('\n')}`);
    return { rate, windowS, sizes: results };
  } finally {
    await hub?.stop().catch(() => undefined);
    await db.drop();
  }
}

/**
 * Reservations spread over 1,000 SKUs from 50 clients with 10,000 / 100,000 / 1,000,000 stock movements
 * stored: receipts spread over every stock line of the hub's depot (history the reservation must not read).
 */
async function reservationScaling(ctx: BenchContext, sizes: number[], checks: Check[], notes: string[]) {
  const db = await createBenchDatabase(ctx.mysqlUrl, 'scale_reserve');
  let hub: HubProcess | null = null;
  let loader: Child | null = null;
  const attempts = ctx.quick ? 500 : 3_000;
  try {
    hub = await startHubProcess({ name: 'scaling-reserve-hub', databaseUrl: db.url, logDir: ctx.logDir });
    const admin = await hub.key(Role.ADMIN, null, 'bench admin');
    const world = await seedReservations(hub.url, admin, db, 10, 100);
    const key = await hub.key(Role.OPERATOR, null, 'bench desk');
    loader = spawnChild('scaling-reserve-load', 'lib/load-child.js', { logFile: path.join(ctx.logDir, 'scaling-reserve-load.log') });
    const run = (amount: number, parts: string[], tag: string) =>
      loader!.call<LoadResult>(
        'run',
        {
          kind: 'reserve',
          url: hub!.url,
          path: '/graphql',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
          connections: 50,
          amount,
          maxSeconds: 120,
          depotId: world.hubDepot,
          partNumbers: parts,
          query: RESERVE,
          tag,
        } satisfies ReserveLoad,
        180_000,
      );
    await run(200, [world.warmPart], 'warm');
    const columns = await columnsOf(db.pool, 'stock_movements');
    const results: Array<{
      movements: number;
      attemptsPerS: number;
      p99: number;
      classes: Record<string, number>;
      explain: string[];
      scans: number;
      seedS: number;
    }> = [];
    for (const size of sizes) {
      const t0 = Date.now();
      const stored = await scalar(db.pool, 'SELECT COUNT(*) FROM stock_movements');
      if (size > stored) {
        const exprs: Record<string, string> = {
          id: 'UUID()',
          stockId: 'st.id',
          depotId: 'st.depotId',
          partId: 'st.partId',
          idempotencyKey: 'NULL',
          createdAt: 'DATE_SUB(NOW(3), INTERVAL (s.seq * 7919) % 63072000 SECOND)',
        };
        const lines = await scalar(db.pool, 'SELECT COUNT(*) FROM stock WHERE depotId = ?', [world.hubDepot]);
        const select = columns.map((c) => exprs[c] ?? `t.\`${c}\``).join(', ');
        const list = columns.map((c) => `\`${c}\``).join(', ');
        for (let from = stored; from < size; from += 50_000) {
          const to = Math.min(size, from + 50_000) - 1;
          await db.pool.query(
            `INSERT INTO stock_movements (${list}) SELECT ${select} FROM seq_${from}_to_${to} s
               JOIN (SELECT id, depotId, partId, ROW_NUMBER() OVER (ORDER BY id) - 1 AS rn FROM stock WHERE depotId = ?) st
                 ON st.rn = s.seq % ${lines}
               JOIN (SELECT * FROM stock_movements WHERE type = 'RECEIPT' LIMIT 1) t`,
            [world.hubDepot],
          );
        }
        await db.pool.query('ANALYZE TABLE stock_movements');
      }
      const seedS = (Date.now() - t0) / 1000;
      const movements = await scalar(db.pool, 'SELECT COUNT(*) FROM stock_movements');
      const r = await run(attempts, world.spreadParts, `scale-${size}`);
      // The statements of one reservation, from a probe hub at trace level.
      const probeName = `scaling-reserve-trace-${size}`;
      const probe = await startHubProcess({
        name: probeName,
        databaseUrl: db.url,
        logDir: ctx.logDir,
        env: { LOG_LEVEL: 'trace', SCHEDULER_ENABLED: 'false' },
      });
      const file = path.join(ctx.logDir, `${probeName}.log`);
      await gql(probe.url, key, RESERVE, {
        i: {
          depotId: world.hubDepot,
          partNumber: world.warmPart,
          quantity: 1,
          condition: 'NEW',
          rmaNumber: 'PROBE-0',
          idempotencyKey: `probe-a-${size}`,
          holdFor: 'P1D',
        },
      });
      await sleep(300);
      const before = readFileSync(file, 'utf8').length;
      await gql(probe.url, key, RESERVE, {
        i: {
          depotId: world.hubDepot,
          partNumber: world.warmPart,
          quantity: 1,
          condition: 'NEW',
          rmaNumber: 'PROBE-1',
          idempotencyKey: `probe-b-${size}`,
          holdFor: 'P1D',
        },
      });
      await sleep(500);
      await probe.stop();
      const statements = loggedStatements(file, before, /api_keys|leases|notifications|webhook|outbox_events WHERE|information_schema/);
      const plan: string[] = [];
      let scans = 0;
      for (const st of statements) {
        plan.push(`  ${shapeOf(st.sql).slice(0, 160)}${st.sql.length > 160 ? '…' : ''}`);
        for (const line of await explain(db.pool, st.sql, revive(st.params))) {
          plan.push(`    ${line}`);
          if (/type=(ALL|index) /.test(line) && Number(/rows=(\d+)/.exec(line)?.[1] ?? 0) > 1000) scans++;
        }
      }
      const rate = r.requests / r.durationS;
      results.push({
        movements,
        attemptsPerS: round(rate, 1),
        p99: r.latencyMs.p99,
        classes: r.classes,
        explain: plan,
        scans,
        seedS: round(seedS, 1),
      });
      ctx.log(
        `reservations with ${movements} stock movements (grown in ${seedS.toFixed(1)}s): ${round(rate, 1)} attempts/s, p99 ${r.latencyMs.p99} ms ${JSON.stringify(r.classes)}\n` +
          `EXPLAIN (reservation, ${movements} movements):\n${plan.join('\n')}`,
      );
      if (Object.keys(r.classes).some((k) => k !== 'OK'))
        notes.push(`reservation answers at ${movements} movements: ${JSON.stringify(r.classes)}`);
    }
    for (const r of results)
      checks.push({ metric: `reservation scans (EXPLAIN) @${r.movements}`, hub: r.scans, target: '0', pass: r.scans === 0 });
    const base = results[0];
    for (const r of results.slice(1)) {
      const ratio = r.attemptsPerS / base.attemptsPerS;
      checks.push({
        metric: `reservations/s @${r.movements} vs @${base.movements} movements`,
        hub: r.attemptsPerS,
        baseline: base.attemptsPerS,
        ratio,
        target: '>= 67%',
        pass: ratio >= 1 / 1.5,
      });
    }
    for (const r of results) notes.push(`EXPLAIN reservation @${r.movements} stock movements:\n${r.explain.join('\n')}`);
    return { attempts, sizes: results };
  } finally {
    await loader?.stop().catch(() => undefined);
    await hub?.stop().catch(() => undefined);
    await db.drop();
  }
}
