/**
 * 6. Federation gateway: the portal's `rmas(first: 10/50)` query through the gateway
 * (src/gateway, Hive Gateway over the Mesh-composed supergraph) against the same query
 * straight to the hub, in alternating windows on the same data, hub and gateway each in
 * their own process; then a cross-source query (the hub's incidents with each device's CMDB
 * record from the example customer ITSM, its own process) whose latency is reported.
 */
import path from 'node:path';
import { Role } from '../src/platform/auth/principal';
import { spawnChild, type Child } from './lib/children';
import { createBenchDatabase, selectAll } from './lib/db';
import { gql } from './lib/gql';
import { startHubProcess, type HubStats } from './lib/hub-process';
import type { LoadResult, StaticLoad } from './lib/load-child';
import type { ProfileSummary } from './lib/profile';
import type { BenchContext, BenchResult, Check } from './lib/report';
import { round } from './lib/stats';
import { firstDifference, PORTAL_QUERY, seedPortal } from './portal';

const PAGE_SIZES = [10, 50];
const TARGET = 0.7;
const ITSM_USER = 'bench-gateway';
const ITSM_PASSWORD = 'bench-itsm-secret';

export const CROSS_SOURCE_QUERY = `query CrossSource {
  incidents(first: 10) {
    edges { node { id severity status summary device { serialNumber model cmdb { location ownerTeam onCall } } } }
  }
}`;
/** The hub's part of it, straight to the hub: what the join adds is the difference. */
const HUB_PART_QUERY = CROSS_SOURCE_QUERY.replace(' cmdb { location ownerTeam onCall }', '');

type Agg = ReturnType<typeof aggregate>;

function aggregate(runs: LoadResult[]) {
  const requests = runs.reduce((s, x) => s + x.requests, 0);
  const seconds = runs.reduce((s, x) => s + x.durationS, 0);
  const classes: Record<string, number> = {};
  for (const x of runs) for (const [k, v] of Object.entries(x.classes)) classes[k] = (classes[k] ?? 0) + v;
  return {
    rps: round(requests / seconds, 1),
    requests,
    p50: Math.max(...runs.map((x) => x.latencyMs.p50)),
    p99: Math.max(...runs.map((x) => x.latencyMs.p99)),
    perWindowRps: runs.map((x) => round(x.rps, 1)),
    classes,
    kbPerResponse: round(runs[0].bytesPerResponse / 1024, 1),
  };
}

const failures = (a: Agg) => Object.entries(a.classes).filter(([k]) => k !== 'OK');
const cpuPerRequest = (stats: HubStats[], requests: number) => round(stats.reduce((x, y) => x + y.cpuMs, 0) / requests, 2);

export async function gateway(ctx: BenchContext): Promise<BenchResult> {
  const n = ctx.quick ? 2_000 : 20_000;
  const windowS = ctx.quick ? 2 : 8;
  const rounds = ctx.quick ? 1 : 2;
  // Quick too warms for 2 s: the hub's first load after seeding is the direct warm-up (JIT).
  const warmS = ctx.quick ? 2 : 3;
  const connections = 16;
  const crossConnections = 4;
  const notes: string[] = [];
  const db = await createBenchDatabase(ctx.mysqlUrl, 'gateway');
  const children: Child[] = [];
  try {
    const hub = await startHubProcess({ name: 'gateway-hub', databaseUrl: db.url, logDir: ctx.logDir });
    const admin = await hub.key(Role.ADMIN, null, 'bench admin');
    ctx.log(`hub up at ${hub.url}; seeding ${n} RMAs`);
    const seeded = await seedPortal(ctx, hub.url, admin, db.pool, n);
    // Many portal users, each with a key of their own (see StaticLoad.authorizations).
    const keys = async (n: number, role: Role, scope: string, name: string) =>
      Promise.all(Array.from({ length: n }, (_, i) => hub.key(role, scope, `${name} ${i}`)));
    const partnerKeys = await keys(connections * 4, Role.PARTNER, seeded.partnerId, 'bench partner portal');
    const partnerKey = partnerKeys[0];

    // The customer with the most incidents, and its devices in the customer's CMDB.
    const [top] = await selectAll<{ customerId: string; incidents: number }>(
      db.pool,
      'SELECT customerId, COUNT(*) AS incidents FROM incidents GROUP BY customerId ORDER BY incidents DESC LIMIT 1',
    );
    const customerKeys = await keys(crossConnections * 4, Role.CUSTOMER, top.customerId, 'bench customer');
    const customerKey = customerKeys[0];
    const serials = (
      await selectAll<{ serialNumber: string }>(db.pool, 'SELECT serialNumber FROM devices WHERE customerId = ?', [top.customerId])
    ).map((d) => d.serialNumber);

    const env = { ITSM_USER, ITSM_PASSWORD };
    const itsm = spawnChild('gateway-itsm', 'lib/itsm-child.js', { env, logFile: path.join(ctx.logDir, 'gateway-itsm.log') });
    children.push(itsm);
    const itsmUrl = (await itsm.next<{ url: string }>('ready', 30_000)).url;
    await itsm.call('seed', { serials });
    const gw = spawnChild('gateway', 'lib/gateway-child.js', {
      env: { ...env, HUB_URL: `${hub.url}/graphql`, ITSM_URL: itsmUrl },
      logFile: path.join(ctx.logDir, 'gateway.log'),
    });
    children.push(gw);
    const gatewayUrl = (
      await Promise.race([
        gw.next<{ url: string }>('ready', 60_000),
        gw.next<string>('fatal', 60_000).then((m) => Promise.reject(new Error(`gateway failed to start: ${m}`))),
      ])
    ).url;
    ctx.log(`gateway up at ${gatewayUrl} over the hub and the example ITSM (${serials.length} CMDB items)`);

    // The same answers through the gateway as from the hub, before anything is measured.
    for (const first of PAGE_SIZES) {
      const direct = await gql(hub.url, partnerKey, PORTAL_QUERY, { first });
      const through = await gql(gatewayUrl, partnerKey, PORTAL_QUERY, { first });
      if (direct.errors?.length || through.errors?.length)
        throw new Error(`errors at first=${first}: ${JSON.stringify(direct.errors ?? through.errors).slice(0, 500)}`);
      const diff = firstDifference(direct.data, through.data);
      if (diff) throw new Error(`gateway and hub differ at first=${first}: ${diff}`);
    }
    const cross = await gql(gatewayUrl, customerKey, CROSS_SOURCE_QUERY);
    const rows = (cross.data?.incidents?.edges ?? []) as Array<{ node: { device: { cmdb: { location: string } | null } } }>;
    if (cross.errors?.length || rows.length === 0 || rows.some((e) => !e.node.device.cmdb?.location))
      throw new Error(`cross-source query: ${JSON.stringify(cross).slice(0, 500)}`);
    const itsmBefore = await itsm.call<number>('requests');
    await gql(gatewayUrl, customerKey, CROSS_SOURCE_QUERY);
    const itsmCallsPerRequest = (await itsm.call<number>('requests')) - itsmBefore;
    ctx.log(`answers identical; the cross-source query joins ${rows.length} rows with ${itsmCallsPerRequest} ITSM calls`);

    const loader = spawnChild('gateway-load', 'lib/load-child.js', { logFile: path.join(ctx.logDir, 'gateway-load.log') });
    children.push(loader);
    // No x-sql-statements header: the gateway does not forward it, so the direct load must not send it either.
    const spec = (url: string, keyList: string[], query: string, variables: object, conns: number, durationS: number): StaticLoad => ({
      kind: 'static',
      url,
      path: '/graphql',
      headers: { 'content-type': 'application/json' },
      authorizations: keyList.map((k) => `Bearer ${k}`),
      body: JSON.stringify({ query, variables }),
      connections: conns,
      durationS,
    });
    const load = (s: StaticLoad) => loader.call<LoadResult>('run', s, (s.durationS + 60) * 1000);
    const gatewayStats = () => gw.call<HubStats>('stats');

    const checks: Check[] = [];
    const perSize: Record<string, unknown> = {};
    const profiles: Record<string, ProfileSummary> = {};
    for (const first of PAGE_SIZES) {
      const direct = (d: number) => load(spec(hub.url, partnerKeys, PORTAL_QUERY, { first }, connections, d));
      const through = (d: number) => load(spec(gatewayUrl, partnerKeys, PORTAL_QUERY, { first }, connections, d));
      await direct(warmS);
      await through(warmS);
      const directRuns: LoadResult[] = [];
      const gatewayRuns: LoadResult[] = [];
      const hubDirect: HubStats[] = [];
      const hubBehind: HubStats[] = [];
      const gwStats: HubStats[] = [];
      for (let r = 0; r < rounds; r++) {
        await hub.resetStats();
        directRuns.push(await direct(windowS));
        hubDirect.push(await hub.stats());
        await hub.resetStats();
        await gw.call('resetStats');
        const profiling = ctx.profile && r === 0;
        if (profiling) await gw.call('profileStart');
        gatewayRuns.push(await through(windowS));
        if (profiling)
          profiles[first] = await gw.call<ProfileSummary>('profileStop', {
            file: path.join(ctx.runDir, `gateway-first${first}.cpuprofile`),
          });
        hubBehind.push(await hub.stats());
        gwStats.push(await gatewayStats());
      }
      const d = aggregate(directRuns);
      const g = aggregate(gatewayRuns);
      const ratio = g.rps / d.rps;
      const cpu = {
        hubDirect: cpuPerRequest(hubDirect, d.requests),
        hubBehindGateway: cpuPerRequest(hubBehind, g.requests),
        gateway: cpuPerRequest(gwStats, g.requests),
      };
      perSize[first] = { direct: d, gateway: g, ratio: round(ratio, 3), cpuMsPerRequest: cpu, gatewayProcess: gwStats };
      ctx.log(
        `first=${first}: through the gateway ${g.rps} req/s (p50 ${g.p50} ms, p99 ${g.p99} ms), ` +
          `straight to the hub ${d.rps} req/s (p50 ${d.p50}, p99 ${d.p99}) → ${(ratio * 100).toFixed(0)}%; ` +
          `CPU ms/req: gateway ${cpu.gateway}, hub behind it ${cpu.hubBehindGateway}, hub direct ${cpu.hubDirect}`,
      );
      const bad = [...failures(d), ...failures(g)];
      if (bad.length) notes.push(`errors at first=${first}: direct ${JSON.stringify(d.classes)}, gateway ${JSON.stringify(g.classes)}`);
      checks.push({
        metric: `req/s first=${first} gateway/direct`,
        hub: g.rps,
        baseline: d.rps,
        ratio,
        target: `>= ${TARGET * 100}%`,
        pass: ratio >= TARGET && bad.length === 0,
      });
      checks.push({
        metric: `p50/p99 ms first=${first}`,
        hub: `${g.p50}/${g.p99}`,
        baseline: `${d.p50}/${d.p99}`,
        target: 'info',
        pass: true,
      });
      checks.push({
        metric: `CPU ms/req first=${first} gateway+hub`,
        hub: `${cpu.gateway}+${cpu.hubBehindGateway}`,
        baseline: cpu.hubDirect,
        target: 'info',
        pass: true,
      });
    }

    // Cross-source latency at a moderate concurrency (a latency under saturation would measure the queue).
    await load(spec(gatewayUrl, customerKeys, CROSS_SOURCE_QUERY, {}, crossConnections, warmS));
    await load(spec(hub.url, customerKeys, HUB_PART_QUERY, {}, crossConnections, warmS));
    const crossRuns: LoadResult[] = [];
    const hubPartRuns: LoadResult[] = [];
    const crossStats: Record<'gateway' | 'hub' | 'itsm', HubStats[]> = { gateway: [], hub: [], itsm: [] };
    for (let r = 0; r < rounds; r++) {
      hubPartRuns.push(await load(spec(hub.url, customerKeys, HUB_PART_QUERY, {}, crossConnections, windowS)));
      await Promise.all([gw.call('resetStats'), hub.resetStats(), itsm.call('resetStats')]);
      crossRuns.push(await load(spec(gatewayUrl, customerKeys, CROSS_SOURCE_QUERY, {}, crossConnections, windowS)));
      crossStats.gateway.push(await gatewayStats());
      crossStats.hub.push(await hub.stats());
      crossStats.itsm.push(await itsm.call<HubStats>('stats'));
    }
    const c = aggregate(crossRuns);
    const h = aggregate(hubPartRuns);
    const crossCpu = {
      gateway: cpuPerRequest(crossStats.gateway, c.requests),
      hub: cpuPerRequest(crossStats.hub, c.requests),
      itsm: cpuPerRequest(crossStats.itsm, c.requests),
    };
    ctx.log(
      `cross-source (${crossConnections} clients): p50 ${c.p50} ms, p99 ${c.p99} ms, ${c.rps} req/s ` +
        `(CPU ms/req: gateway ${crossCpu.gateway}, hub ${crossCpu.hub}, ITSM ${crossCpu.itsm}); ` +
        `its hub part straight to the hub: p50 ${h.p50} ms, p99 ${h.p99} ms, ${h.rps} req/s`,
    );
    const crossBad = [...failures(c), ...failures(h)];
    if (crossBad.length) notes.push(`cross-source errors: gateway ${JSON.stringify(c.classes)}, hub part ${JSON.stringify(h.classes)}`);
    checks.push({
      metric: `cross-source p50/p99 ms (${crossConnections} clients)`,
      hub: `${c.p50}/${c.p99}`,
      baseline: `${h.p50}/${h.p99}`,
      target: 'reported',
      pass: crossBad.length === 0,
    });
    checks.push({ metric: 'cross-source req/s', hub: c.rps, baseline: h.rps, target: 'info', pass: true });
    checks.push({
      metric: 'cross-source CPU ms/req gateway+hub+ITSM',
      hub: `${crossCpu.gateway}+${crossCpu.hub}+${crossCpu.itsm}`,
      target: 'info',
      pass: true,
    });
    notes.push(
      `cross-source: baseline column = the query without the joined CMDB fields, straight to the hub; ${itsmCallsPerRequest} ITSM calls per request (one per row)`,
    );

    await Promise.all([...children.map((ch) => ch.stop()), hub.stop()]);
    return {
      name: 'gateway',
      checks,
      details: {
        rmas: n,
        visibleToPartner: seeded.visible,
        connections,
        crossConnections,
        windowS,
        rounds,
        perPageSize: perSize,
        crossSource: { gateway: c, hubPartDirect: h, rows: rows.length, itsmCallsPerRequest, cpuMsPerRequest: crossCpu },
        profiles,
      },
      notes,
    };
  } finally {
    for (const ch of children) ch.kill();
    await db.drop();
  }
}
