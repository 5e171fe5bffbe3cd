/**
 * 2. Reservations: 50 concurrent HTTP clients calling reserveParts, on a hot
 * part (one SKU whose stock runs out half-way: the last-unit race) and spread
 * over 1,000 SKUs, 20,000 attempts each (quick: 2,000), against a bare
 * node:http + mysql2 server doing the same reservation insert, movement insert
 * and guarded UPDATE. Hub and baseline reserve from two depots with identical
 * stock in the same database, so neither consumes the other's units. After
 * each run the ledger is checked: nothing oversold, reserved + available =
 * initial, never negative, reserved = successful answers = movement rows.
 */
import path from 'node:path';
import { Role } from '../src/platform/auth/principal';
import { spawnChild, type Child } from './lib/children';
import { bulkInsert, createBenchDatabase, selectAll, type BenchDatabase } from './lib/db';
import { gql, ok } from './lib/gql';
import { startHubProcess, type HubStats } from './lib/hub-process';
import type { LoadResult, ReserveLoad } from './lib/load-child';
import type { BenchContext, BenchResult, Check } from './lib/report';
import { round } from './lib/stats';
import { clone, uuid } from './lib/world';

export const RESERVE = `mutation Reserve($i: ReservePartsInput!) {
  reserveParts(input: $i) { id status quantity idempotencyKey holdUntil }
}`;
const SKUS = 1000;
const CLIENTS = 50;

interface LedgerCheck {
  initialOnHand: number;
  onHand: number;
  reserved: number;
  available: number;
  heldReservations: number;
  reservationMovements: number;
  okAnswers: number;
  negative: boolean;
  oversold: boolean;
  consistent: boolean;
}

export async function reservations(ctx: BenchContext): Promise<BenchResult> {
  const attempts = ctx.quick ? 2_000 : 20_000;
  const maxSeconds = ctx.quick ? 60 : 240;
  const hotStock = Math.floor(attempts / 2); // runs out half-way through
  const spreadStock = Math.ceil((attempts / SKUS) * 4) + 10; // never runs out
  const db = await createBenchDatabase(ctx.mysqlUrl, 'reserve');
  const notes: string[] = [];
  try {
    const hub = await startHubProcess({ name: 'reserve-hub', databaseUrl: db.url, logDir: ctx.logDir });
    const admin = await hub.key(Role.ADMIN, null, 'bench admin');
    const t0 = Date.now();
    const world = await seedReservations(hub.url, admin, db, hotStock, spreadStock);
    ctx.log(
      `seeded 2 depots × ${SKUS} SKUs in ${((Date.now() - t0) / 1000).toFixed(1)}s (hot stock ${hotStock}, spread ${spreadStock} each)`,
    );
    const operatorKey = await hub.key(Role.OPERATOR, null, 'bench desk');
    const base = spawnChild('reserve-baseline', 'reservations-baseline.js', {
      env: { DATABASE_URL: db.url, BENCH_KEY: operatorKey, DATABASE_POOL_SIZE: '10' },
      logFile: path.join(ctx.logDir, 'reserve-baseline.log'),
    });
    const baseUrl = (await base.next<{ url: string }>('ready', 30_000)).url;
    const loader = spawnChild('reserve-load', 'lib/load-child.js', { logFile: path.join(ctx.logDir, 'reserve-load.log') });

    const checks: Check[] = [];
    const details: Record<string, unknown> = { attempts, clients: CLIENTS, hotStock, spreadStock, skus: SKUS };
    const run = (url: string, depotId: string, parts: string[], tag: string) =>
      loader.call<LoadResult>(
        'run',
        {
          kind: 'reserve',
          url,
          path: '/graphql',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${operatorKey}` },
          connections: CLIENTS,
          amount: attempts,
          maxSeconds,
          depotId,
          partNumbers: parts,
          query: RESERVE,
          tag,
        } satisfies ReserveLoad,
        (maxSeconds + 60) * 1000,
      );

    // Warm both servers up on a part outside the measured lines (JIT, pools, API-key cache).
    await warm(loader, hub.url, baseUrl, operatorKey, world);
    // The load does not ask for statement counts (counting costs the hub CPU, see query-counter.ts): one probe does.
    const probe = await gql(hub.url, operatorKey, RESERVE, {
      i: {
        depotId: world.hubDepot,
        partNumber: world.warmPart,
        quantity: 1,
        condition: 'NEW',
        rmaNumber: 'BENCH-PROBE',
        idempotencyKey: 'bench-sql-probe',
        holdFor: 'P1D',
      },
    });
    details.hubSqlStatementsPerReservation = probe.sqlStatements;

    for (const scenario of ['hot', 'spread'] as const) {
      const parts = scenario === 'hot' ? [world.hotPart] : world.spreadParts;
      const initial = scenario === 'hot' ? hotStock : spreadStock;
      // Baseline first, then the hub: the hub runs on the bigger tables (as it would in production).
      await base.call('resetStats');
      const b = await run(baseUrl, world.baseDepot, parts, `b-${scenario}`);
      const baseProc = await base.call<HubStats>('stats');
      await hub.resetStats();
      if (ctx.profile) await hub.profileStart();
      const h = await run(hub.url, world.hubDepot, parts, `h-${scenario}`);
      const profile = ctx.profile ? await hub.profileStop(path.join(ctx.runDir, `reservations-hub-${scenario}.cpuprofile`)) : null;
      const hubProc = await hub.stats();
      const ledgerH = await ledger(db, world.hubDepot, parts, initial, h.classes.OK ?? 0);
      const ledgerB = await ledger(db, world.baseDepot, parts, initial, b.classes.OK ?? 0);
      const rateH = h.requests / h.durationS;
      const rateB = b.requests / b.durationS;
      const ratio = rateH / rateB;
      const cpuH = round(hubProc.cpuMs / h.requests, 2);
      const cpuB = round(baseProc.cpuMs / b.requests, 2);
      details[scenario] = {
        cpuMsPerAttempt: { hub: cpuH, baseline: cpuB },
        baselineProcess: baseProc,
        hub: summary(h),
        baseline: summary(b),
        ratio: round(ratio, 3),
        ledger: { hub: ledgerH, baseline: ledgerB },
        hubProcess: hubProc,
        profile,
      };
      ctx.log(
        `${scenario}: hub ${round(rateH, 1)} attempts/s (${round((h.classes.OK ?? 0) / h.durationS, 1)} reserved/s, p50 ${h.latencyMs.p50} p99 ${h.latencyMs.p99} ms) ${JSON.stringify(h.classes)}; ` +
          `bare ${round(rateB, 1)} attempts/s (p50 ${b.latencyMs.p50} p99 ${b.latencyMs.p99} ms) ${JSON.stringify(b.classes)} → ${(ratio * 100).toFixed(0)}%`,
      );
      const unexpected = (classes: Record<string, number>) =>
        Object.entries(classes).filter(([k]) => k !== 'OK' && !(scenario === 'hot' && k === 'INSUFFICIENT_STOCK'));
      const badH = unexpected(h.classes);
      const badB = unexpected(b.classes);
      if (badH.length) notes.push(`hub ${scenario}: unexpected answers ${JSON.stringify(Object.fromEntries(badH))}`);
      if (badB.length) notes.push(`baseline ${scenario}: unexpected answers ${JSON.stringify(Object.fromEntries(badB))}`);
      if (h.stoppedByTimeLimit || b.stoppedByTimeLimit)
        notes.push(`${scenario}: a run hit the ${maxSeconds}s limit before ${attempts} attempts`);
      checks.push({
        metric: `attempts/s ${scenario}`,
        hub: round(rateH, 1),
        baseline: round(rateB, 1),
        ratio,
        target: '>= 65%',
        pass: ratio >= 0.65,
      });
      checks.push({ metric: `server CPU ms/attempt ${scenario}`, hub: cpuH, baseline: cpuB, target: 'info', pass: true });
      checks.push({
        metric: `p50/p99 ms ${scenario}`,
        hub: `${h.latencyMs.p50}/${h.latencyMs.p99}`,
        baseline: `${b.latencyMs.p50}/${b.latencyMs.p99}`,
        target: 'info',
        pass: true,
      });
      checks.push({
        metric: `oversold/ledger ${scenario}`,
        hub: ledgerH.oversold || ledgerH.negative ? 'OVERSOLD' : ledgerH.consistent ? 'ok' : 'MISMATCH',
        baseline: ledgerB.oversold || ledgerB.negative ? 'OVERSOLD' : ledgerB.consistent ? 'ok' : 'MISMATCH',
        target: 'none',
        pass: !ledgerH.oversold && !ledgerH.negative && ledgerH.consistent && badH.length === 0,
      });
    }
    await Promise.all([loader.stop(), base.stop(), hub.stop()]);
    return { name: 'reservations', checks, details, notes };
  } finally {
    await db.drop();
  }
}

function summary(r: LoadResult) {
  return {
    attempts: r.requests,
    seconds: round(r.durationS, 1),
    attemptsPerS: round(r.requests / r.durationS, 1),
    reservedPerS: round((r.classes.OK ?? 0) / r.durationS, 1),
    latencyMs: r.latencyMs,
    classes: r.classes,
    transportErrors: r.errors,
    timeouts: r.timeouts,
    stoppedByTimeLimit: r.stoppedByTimeLimit,
  };
}

async function warm(loader: Child, hubUrl: string, baseUrl: string, key: string, world: World) {
  for (const url of [baseUrl, hubUrl])
    await loader.call(
      'run',
      {
        kind: 'reserve',
        url,
        path: '/graphql',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        connections: 10,
        amount: 200,
        maxSeconds: 30,
        depotId: url === hubUrl ? world.hubDepot : world.baseDepot,
        partNumbers: [world.warmPart],
        query: RESERVE,
        tag: 'warm',
      } satisfies ReserveLoad,
      90_000,
    );
}

/** The stock lines of one depot after a run, against the answers the clients saw. */
async function ledger(db: BenchDatabase, depotId: string, parts: string[], initialEach: number, okAnswers: number): Promise<LedgerCheck> {
  const [row] = await selectAll<Record<string, number>>(
    db.pool,
    `SELECT SUM(s.onHand) AS onHand, SUM(s.reserved) AS reserved, SUM(s.onHand < 0 OR s.reserved < 0 OR s.onHand - s.reserved < 0) AS negative,
            COUNT(*) AS nLines
       FROM stock s JOIN parts p ON p.id = s.partId WHERE s.depotId = ? AND p.partNumber IN (?)`,
    [depotId, parts],
  );
  const [held] = await selectAll<Record<string, number>>(
    db.pool,
    `SELECT COUNT(*) AS n FROM reservations r JOIN parts p ON p.id = r.partId WHERE r.depotId = ? AND p.partNumber IN (?) AND r.status = 'HELD'`,
    [depotId, parts],
  );
  const [moves] = await selectAll<Record<string, number>>(
    db.pool,
    `SELECT COUNT(*) AS n, COALESCE(SUM(m.reservedDelta), 0) AS delta FROM stock_movements m JOIN parts p ON p.id = m.partId
      WHERE m.depotId = ? AND p.partNumber IN (?) AND m.type = 'RESERVATION'`,
    [depotId, parts],
  );
  const onHand = Number(row.onHand);
  const reserved = Number(row.reserved);
  const initial = initialEach * Number(row.nLines);
  return {
    initialOnHand: initial,
    onHand,
    reserved,
    available: onHand - reserved,
    heldReservations: Number(held.n),
    reservationMovements: Number(moves.n),
    okAnswers,
    negative: Number(row.negative) > 0,
    oversold: reserved > onHand || onHand !== initial,
    consistent:
      reserved === Number(held.n) &&
      reserved === Number(moves.delta) &&
      reserved === okAnswers &&
      reserved + (onHand - reserved) === initial,
  };
}

interface World {
  hubDepot: string;
  baseDepot: string;
  hotPart: string;
  warmPart: string;
  spreadParts: string[];
}

/**
 * One part received through the API (template rows the hub wrote: part,
 * fitment, stock line, receipt movement), then 1,000 SKUs + a warm-up SKU
 * cloned in bulk, with identical stock in the hub's depot and the baseline's.
 */
export async function seedReservations(
  url: string,
  admin: string,
  db: BenchDatabase,
  hotStock: number,
  spreadStock: number,
): Promise<World> {
  const depot = async (code: string) =>
    (
      await ok(url, admin, `mutation($i: CreateDepotInput!) { createDepot(input: $i) { id } }`, {
        i: { code, name: `Depot ${code}`, region: 'CN-EAST', city: 'Shanghai' },
      })
    ).createDepot.id as string;
  const hubDepot = await depot('BENCH-HUB');
  const baseDepot = await depot('BENCH-BARE');
  await ok(url, admin, `mutation($i: CreatePartInput!) { createPart(input: $i) { id } }`, {
    i: { partNumber: 'TPL-PART', manufacturer: 'Acme', description: 'template', fitsModels: ['PowerEdge R750'] },
  });
  await ok(url, admin, `mutation($i: ReceiveStockInput!) { receiveStock(input: $i) { id } }`, {
    i: { depotId: hubDepot, partNumber: 'TPL-PART', quantity: 1, condition: 'NEW', idempotencyKey: 'bench-template-receipt' },
  });
  const [tPart] = await selectAll<Record<string, unknown>>(db.pool, `SELECT * FROM parts WHERE partNumber = 'TPL-PART'`);
  const [tFit] = await selectAll<Record<string, unknown>>(db.pool, `SELECT * FROM part_fitments WHERE partId = ?`, [tPart.id]);
  const [tStock] = await selectAll<Record<string, unknown>>(db.pool, `SELECT * FROM stock WHERE partId = ?`, [tPart.id]);
  const [tMove] = await selectAll<Record<string, unknown>>(db.pool, `SELECT * FROM stock_movements WHERE stockId = ?`, [tStock.id]);
  const names = ['HOT-0000', 'WARM-0000', ...Array.from({ length: SKUS }, (_, i) => `SKU-${String(i + 1).padStart(4, '0')}`)];
  const parts = names.map((partNumber) =>
    clone(tPart, { id: uuid(), partNumber, description: `${partNumber} spare`, createdAt: new Date() }),
  );
  const fits = parts.map((p) => clone(tFit, { id: uuid(), partId: p.id }));
  const stock: Record<string, unknown>[] = [];
  const moves: Record<string, unknown>[] = [];
  const now = new Date();
  for (const depotId of [hubDepot, baseDepot])
    for (const p of parts) {
      const qty = p.partNumber === 'HOT-0000' ? hotStock : p.partNumber === 'WARM-0000' ? 100_000 : spreadStock;
      const id = uuid();
      stock.push(clone(tStock, { id, depotId, partId: p.id, onHand: qty, reserved: 0, updatedAt: now }));
      moves.push(
        clone(tMove, {
          id: uuid(),
          stockId: id,
          depotId,
          partId: p.id,
          quantity: qty,
          onHandDelta: qty,
          reservedDelta: 0,
          idempotencyKey: null,
          createdAt: now,
        }),
      );
    }
  await bulkInsert(db.pool, 'parts', parts);
  await bulkInsert(db.pool, 'part_fitments', fits);
  await bulkInsert(db.pool, 'stock', stock);
  await bulkInsert(db.pool, 'stock_movements', moves);
  await db.pool.query('ANALYZE TABLE parts, stock, stock_movements, reservations');
  return { hubDepot, baseDepot, hotPart: 'HOT-0000', warmPart: 'WARM-0000', spreadParts: names.slice(2) };
}
