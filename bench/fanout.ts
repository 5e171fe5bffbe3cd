/**
 * 4. Dashboard fan-out: 1,000 then 5,000 graphql-ws subscribers (quick: 200,
 * 1,000) of `incidentUpdated` on one hub process, while an operator posts
 * progress on incidents at a fixed rate (each post is one incidentUpdated event
 * for every staff dashboard). Baseline: a bare `ws` server broadcasting the
 * same frame, serialised once per event. Subscribers run in two processes.
 * Measured: delivered frames/s, delivery latency (receive − event `at`),
 * event-loop delay p99 and memory per connection inside the server process.
 */
import path from 'node:path';
import WebSocket from 'ws';
import { Role } from '../src/platform/auth/principal';
import { spawnChild, type Child } from './lib/children';
import { createBenchDatabase } from './lib/db';
import { ok } from './lib/gql';
import { startHubProcess, type HubStats } from './lib/hub-process';
import type { BenchContext, BenchResult, Check } from './lib/report';
import { LatencyHistogram, round, sleep } from './lib/stats';
import { createCustomerWorld } from './lib/world';

export const DASHBOARD_SUBSCRIPTION = `subscription Dashboard {
  incidentUpdated {
    kind message at clock
    incident { id status severity summary customerId assignedCentreId supportTier managementLevel nextDueAt breached updatedAt }
  }
}`;
const POST_PROGRESS = `mutation Progress($id: ID!, $m: String!) { postIncidentProgress(id: $id, message: $m) { id } }`;

interface SubReport {
  frames: number;
  otherFrames: number;
  closed: number;
  errors: number;
  open: number;
  firstAt: number;
  lastAt: number;
  latency: { buckets: number[]; count: number; max: number; sum: number };
}

interface Target {
  name: 'hub' | 'bare';
  wsUrl: string;
  stats(gc?: boolean): Promise<HubStats & { subscribers?: number }>;
  resetStats(): Promise<void>;
  publish(i: number): Promise<void>;
}

export async function fanout(ctx: BenchContext): Promise<BenchResult> {
  const levels = ctx.quick ? [200, 1000] : [1000, 5000];
  const rate = 5; // incident updates per second
  const windowS = ctx.quick ? 3 : 20;
  const db = await createBenchDatabase(ctx.mysqlUrl, 'fanout');
  const notes: string[] = [];
  try {
    const hub = await startHubProcess({ name: 'fanout-hub', databaseUrl: db.url, logDir: ctx.logDir, execArgv: ['--expose-gc'] });
    const admin = await hub.key(Role.ADMIN, null, 'bench admin');
    const world = await createCustomerWorld(hub.url, admin, 'FAN-T', 'PT8H');
    const incidents: string[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await ok(hub.url, admin, `mutation($i: ReportIncidentInput!) { reportIncident(input: $i) { id } }`, {
        i: { deviceSerial: world.serial, severity: 'P3', summary: `Dashboard incident ${i}: intermittent link loss`, channel: 'API' },
      });
      incidents.push(r.reportIncident.id);
    }
    const operatorKey = await hub.key(Role.OPERATOR, null, 'bench dashboard');
    const hubWs = `${hub.url.replace('http', 'ws')}/graphql`;
    const template = await captureFrame(hubWs, operatorKey, () =>
      ok(hub.url, operatorKey, POST_PROGRESS, { id: incidents[0], m: 'template' }).then(() => undefined),
    );
    ctx.log(`captured a hub frame of ${template.length} bytes`);

    const bare = spawnChild('fanout-bare', 'fanout-ws-baseline.js', {
      env: { BENCH_KEY: operatorKey, BENCH_FRAME_TEMPLATE: template },
      execArgv: ['--expose-gc'],
      logFile: path.join(ctx.logDir, 'fanout-bare.log'),
    });
    const bareUrl = (await bare.next<{ url: string }>('ready', 30_000)).url;
    const subs = [0, 1].map((i) =>
      spawnChild(`fanout-subs-${i + 1}`, 'fanout-subscribers.js', { logFile: path.join(ctx.logDir, `fanout-subs-${i + 1}.log`) }),
    );
    await Promise.all(subs.map((s) => s.next('ready', 30_000)));

    const targets: Target[] = [
      {
        name: 'bare',
        wsUrl: `${bareUrl.replace('http', 'ws')}/graphql`,
        stats: (gc) => bare.call('stats', { gc }),
        resetStats: async () => {
          await bare.call('resetStats');
        },
        publish: async (i) => {
          const r = await fetch(`${bareUrl}/publish`, { method: 'POST', body: JSON.stringify({ message: `bench progress ${i}` }) });
          await r.text();
        },
      },
      {
        name: 'hub',
        wsUrl: hubWs,
        stats: (gc) => hub.stats(gc),
        resetStats: () => hub.resetStats(),
        publish: async (i) => {
          await ok(hub.url, operatorKey, POST_PROGRESS, { id: incidents[i % incidents.length], m: `bench progress ${i}` });
        },
      },
    ];

    const checks: Check[] = [];
    const perLevel: Record<string, unknown> = {};
    for (const n of levels) {
      const row: Record<string, unknown> = {};
      for (const target of targets) {
        const m = await measure(
          ctx,
          target,
          subs,
          n,
          rate,
          windowS,
          operatorKey,
          ctx.profile && target.name === 'hub' && n === levels.at(-1) ? hub : null,
        );
        row[target.name] = m;
        ctx.log(
          `${n} subscribers, ${target.name}: ${m.framesPerS} frames/s (${m.deliveredPct}% of ${m.expectedFrames}), latency p50 ${m.latencyMs.p50} p99 ${m.latencyMs.p99} ms, ` +
            `loop p99 ${m.eventLoopP99Ms} ms, ${m.bytesPerConnection.heap} B heap/conn, cpu ${m.serverCpuPct}%`,
        );
        if (m.closedBySever) notes.push(`${target.name} @${n}: ${m.closedBySever} connections closed by the server`);
        if (m.publishErrors) notes.push(`${target.name} @${n}: ${m.publishErrors} publishes failed`);
      }
      const h = row.hub as Measured;
      const b = row.bare as Measured;
      const ratio = h.framesPerS / b.framesPerS;
      const top = n === levels.at(-1);
      perLevel[n] = { ...row, ratio: round(ratio, 3) };
      checks.push({ metric: `frames/s @${n}`, hub: h.framesPerS, baseline: b.framesPerS, ratio, target: '>= 50%', pass: ratio >= 0.5 });
      checks.push({
        metric: `latency p50/p99 ms @${n}`,
        hub: `${h.latencyMs.p50}/${h.latencyMs.p99}`,
        baseline: `${b.latencyMs.p50}/${b.latencyMs.p99}`,
        target: top ? 'p99 < 1000' : 'info',
        pass: top ? h.latencyMs.p99 < 1000 && h.deliveredPct >= 99 : true,
      });
      checks.push({ metric: `loop lag p99 ms @${n}`, hub: h.eventLoopP99Ms, baseline: b.eventLoopP99Ms, target: 'info', pass: true });
      const heapRatio = h.bytesPerConnection.heap / b.bytesPerConnection.heap;
      checks.push({
        metric: `heap B/conn @${n}`,
        hub: h.bytesPerConnection.heap,
        baseline: b.bytesPerConnection.heap,
        ratio: heapRatio,
        target: top ? '<= 300%' : 'info',
        pass: top ? heapRatio <= 3 : true,
      });
    }
    await Promise.all([...subs.map((s) => s.stop()), bare.stop(), hub.stop()]);
    return { name: 'fanout', checks, details: { rate, windowS, levels, perLevel }, notes };
  } finally {
    await db.drop();
  }
}

interface Measured {
  subscribers: number;
  connectS: number;
  eventsSent: number;
  expectedFrames: number;
  frames: number;
  deliveredPct: number;
  framesPerS: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number; count: number };
  eventLoopP99Ms: number;
  eventLoopMaxMs: number;
  serverCpuPct: number;
  bytesPerConnection: { heap: number; rss: number };
  closedBySever: number;
  publishErrors: number;
  profile?: unknown;
}

async function measure(
  ctx: BenchContext,
  target: Target,
  subs: Child[],
  n: number,
  rate: number,
  windowS: number,
  key: string,
  profileHub: { profileStart(): Promise<void>; profileStop(file: string): Promise<unknown> } | null,
): Promise<Measured> {
  const before = await target.stats(true);
  const t0 = Date.now();
  const opened = await Promise.all(
    subs.map((s, i) =>
      s.call<{ open: number; failed: number }>(
        'connect',
        {
          url: target.wsUrl,
          count: Math.floor(n / subs.length) + (i < n % subs.length ? 1 : 0),
          apiKey: key,
          query: DASHBOARD_SUBSCRIPTION,
        },
        300_000,
      ),
    ),
  );
  const connectS = (Date.now() - t0) / 1000;
  const openCount = opened.reduce((s, o) => s + o.open, 0);
  if (openCount < n) throw new Error(`${target.name}: only ${openCount} of ${n} subscribers connected`);
  await sleep(1000); // subscriptions registered
  const after = await target.stats(true);
  await Promise.all(subs.map((s) => s.call('reset')));
  await target.resetStats();
  if (profileHub) await profileHub.profileStart();

  // Fixed-rate publisher: each event is fired on schedule, not after the previous one finished.
  const total = rate * windowS;
  const started = Date.now();
  let publishErrors = 0;
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    inflight.push(target.publish(i).catch(() => void publishErrors++));
  }
  await Promise.all(inflight);
  const expected = (total - publishErrors) * n;
  // Drain: wait until every frame arrived, or nothing moved for 3 s (max 30 s).
  let reports: SubReport[];
  let last = -1;
  let stableSince = Date.now();
  const drainUntil = Date.now() + 30_000;
  for (;;) {
    reports = await Promise.all(subs.map((s) => s.call<SubReport>('report')));
    const frames = reports.reduce((s, r) => s + r.frames, 0);
    if (frames >= expected || Date.now() > drainUntil) break;
    if (frames !== last) {
      last = frames;
      stableSince = Date.now();
    } else if (Date.now() - stableSince > 3000) break;
    await sleep(250);
  }
  const profile = profileHub ? await profileHub.profileStop(path.join(ctx.runDir, `fanout-hub-${n}.cpuprofile`)) : undefined;
  const stats = await target.stats();
  const frames = reports.reduce((s, r) => s + r.frames, 0);
  const lastFrame = Math.max(...reports.map((r) => r.lastAt));
  const elapsedS = Math.max(windowS, (lastFrame - started) / 1000);
  const hist = new LatencyHistogram();
  for (const r of reports) hist.merge(r.latency);
  const closed = reports.reduce((s, r) => s + r.closed, 0);
  await Promise.all(subs.map((s) => s.call('disconnect', {}, 120_000)));
  await sleep(1000);
  return {
    subscribers: n,
    connectS: round(connectS, 1),
    eventsSent: total - publishErrors,
    expectedFrames: expected,
    frames,
    deliveredPct: round((frames / Math.max(1, expected)) * 100, 1),
    framesPerS: round(frames / elapsedS, 0),
    latencyMs: { ...hist.summary() },
    eventLoopP99Ms: round(stats.eventLoopDelayMs.p99, 1),
    eventLoopMaxMs: round(stats.eventLoopDelayMs.max, 1),
    serverCpuPct: stats.cpuPct,
    bytesPerConnection: {
      heap: Math.round((after.heapUsedBytes + after.externalBytes - before.heapUsedBytes - before.externalBytes) / n),
      rss: Math.round((after.rssBytes - before.rssBytes) / n),
    },
    closedBySever: closed,
    publishErrors,
    ...(profile ? { profile } : {}),
  };
}

/** One real `next` frame of the hub for the dashboard subscription, as a template with <AT> and <MSG>. */
async function captureFrame(wsUrl: string, key: string, trigger: () => Promise<void>): Promise<string> {
  const ws = new WebSocket(wsUrl, 'graphql-transport-ws');
  const frame = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no frame from the hub within 15 s')), 15_000);
    ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { apiKey: key } })));
    ws.on('message', (data) => {
      const text = data.toString();
      if (text.includes('connection_ack')) {
        ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: DASHBOARD_SUBSCRIPTION } }));
        setTimeout(() => void trigger().catch(reject), 300);
      } else if (text.includes('"type":"next"')) {
        clearTimeout(timer);
        resolve(text);
      } else if (text.includes('"type":"error"')) reject(new Error(`subscription refused: ${text}`));
    });
    ws.on('error', reject);
  });
  ws.close();
  if (!/"at":"[^"]*"/.test(frame) || !/"message":"[^"]*"/.test(frame)) throw new Error(`unexpected frame ${frame.slice(0, 300)}`);
  return frame.replace(/"at":"[^"]*"/, '"at":"<AT>"').replace(/"message":"[^"]*"/, '"message":"<MSG>"');
}
