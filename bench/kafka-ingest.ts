/**
 * 3. Kafka ingest: 100,000 inbound RMA events (quick: 10,000) on rma.inbound
 * of the librdkafka mock cluster, consumed by the hub's real RMA consumer into
 * MariaDB (claim by eventId, apply, timeline, outbox), against a bare kafkajs +
 * mysql2 consumer that stores the same rows (kafka-bare-baseline.ts; the
 * target) and one that only counts the messages (information). Each RMA tells a full repair
 * (created, approved, received, repair started/completed with a part, returned)
 * from a partner and its regional centre; 5% of the messages are re-sent
 * duplicates (same eventId). Both consume the same topic, already filled, so
 * the measured rate is pure consumption. Afterwards the database must show
 * every event applied exactly once.
 *
 * The hub consumes twice, each time from the beginning into its own copy of the
 * seeded database: first one process (the ratio with the target), then two in
 * one consumer group (information: what a second member buys on this machine,
 * and exactly-once across members). Each pass reports the CPU per message of the
 * hub and of MariaDB, and how busy the machine was.
 */
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { Role } from '../src/platform/auth/principal';
import { spawnChild } from './lib/children';
import { bulkInsert, copyTables, createBenchDatabase, globalQuestions, scalar, selectAll, type BenchDatabase } from './lib/db';
import { startHubProcess, type HubProcess } from './lib/hub-process';
import { startKafkaMock } from './lib/kafka-mock';
import { cpuBetween, cpuMark, localServerPid, type CpuMark } from './lib/machine-cpu';
import type { BenchContext, BenchResult, Check } from './lib/report';
import { round, sleep } from './lib/stats';
import { clone, createCustomerWorld, createNetwork, rng, uuid } from './lib/world';

const TOPIC = 'rma.inbound';
const PARTITIONS = 6;
const STORY = ['RmaCreated', 'RmaApproved', 'DefectiveReceived', 'RepairStarted', 'RepairCompleted', 'UnitReturned'] as const;
const DUP_SHARE = 0.05;

export async function kafkaIngest(ctx: BenchContext): Promise<BenchResult> {
  const total = ctx.quick ? 10_000 : 100_000;
  const stories = Math.floor(total / (STORY.length * (1 + DUP_SHARE)));
  const unique = stories * STORY.length;
  const dups = total - unique;
  const notes: string[] = [];
  const mock = await startKafkaMock([
    { name: TOPIC, partitions: PARTITIONS },
    { name: 'hub.events', partitions: 3 },
    { name: 'hub.deadletter', partitions: 1 },
    { name: 'hub.live', partitions: 1 },
  ]);
  const db = await createBenchDatabase(ctx.mysqlUrl, 'ingest');
  let db2: BenchDatabase | null = null;
  let db3: BenchDatabase | null = null;
  try {
    // Set-up hub (no Kafka): centres and a template device through the API, devices in bulk.
    const setup = await startHubProcess({
      name: 'ingest-setup-hub',
      databaseUrl: db.url,
      logDir: ctx.logDir,
      env: { SCHEDULER_ENABLED: 'false' },
    });
    const admin = await setup.key(Role.ADMIN, null, 'bench admin');
    const net = await createNetwork(setup.url, admin, 2, 'KI');
    const world = await createCustomerWorld(setup.url, admin, 'INGEST-T');
    await setup.stop();
    const [tDevice] = await selectAll<Record<string, unknown>>(db.pool, 'SELECT * FROM devices WHERE id = ?', [world.deviceId]);
    const serials: string[] = [];
    const devices = Array.from({ length: stories }, (_, i) => {
      const serialNumber = `SN-KI-${String(i).padStart(7, '0')}`;
      serials.push(serialNumber);
      return clone(tDevice, { id: uuid(), serialNumber });
    });
    await bulkInsert(db.pool, 'devices', devices);

    // Produce everything before any consumer runs.
    const t0 = Date.now();
    const produced = await produce(mock.bootstrap, stories, serials, net.partners[0].source, net.east.source, total);
    ctx.log(
      `produced ${produced.messages} messages (${stories} RMAs × ${STORY.length} events + ${produced.duplicates} duplicates) in ${((Date.now() - t0) / 1000).toFixed(1)}s`,
    );
    if (produced.messages !== total) throw new Error(`produced ${produced.messages}, expected ${total}`);

    // Baseline: count them.
    const counter = spawnChild('ingest-counter', 'kafka-count-consumer.js', {
      env: { BENCH_BROKERS: mock.bootstrap.join(','), BENCH_TOPIC: TOPIC, BENCH_EXPECTED: String(total) },
      logFile: path.join(ctx.logDir, 'ingest-counter.log'),
    });
    await counter.next('ready', 60_000);
    const counted = await counter.call<{ count: number; firstAt: number; lastAt: number; cpuMs: number | null }>(
      'wait',
      { timeoutMs: 120_000 },
      180_000,
    );
    await counter.stop();
    const bareSeconds = (counted.lastAt - counted.firstAt) / 1000;
    const counterRate = counted.count / Math.max(bareSeconds, 0.001);
    ctx.log(`counting consumer counted ${counted.count} in ${bareSeconds.toFixed(2)}s → ${round(counterRate, 0)} events/s`);

    // The same database as it is now, for the pass with two hub processes and for the bare consumer that stores.
    // (The two-process pass is information only: the quick run leaves it out to stay within its time.)
    if (!ctx.quick) {
      db2 = await createBenchDatabase(ctx.mysqlUrl, 'ingest2');
      await copyTables(db, db2);
    }
    db3 = await createBenchDatabase(ctx.mysqlUrl, 'ingest3');
    await copyTables(db, db3);

    const maxS = ctx.quick ? 12 : 180;
    const sizes = { total, unique, stories };
    const bare = await bareConsume(ctx, { db: db3, mock, maxS, sizes });
    const one = await consume(ctx, { db, mock, instances: 1, groupId: 'bench-hub', maxS, profile: ctx.profile, sizes });
    const two = db2 ? await consume(ctx, { db: db2, mock, instances: 2, groupId: 'bench-hub2', maxS, profile: false, sizes }) : null;
    for (const pass of two ? [one, two] : [one]) {
      if (!pass.drained)
        notes.push(
          `time cap (${pass.instances} hub): consumed ${pass.consumed} of ${total} messages in ${maxS}s (${round(pass.rate, 0)}/s); all would take ~${round(total / pass.rate / 60, 1)} min`,
        );
      if (!pass.effects.ok) notes.push(`unexpected database state after ingest (${pass.instances} hub): ${JSON.stringify(pass.effects)}`);
    }
    if (!bare.drained) notes.push(`time cap (bare consumer): consumed ${bare.consumed} of ${total} messages in ${maxS}s`);
    if (!bare.effects.ok || bare.refused > 0)
      notes.push(`unexpected database state after the bare consumer: ${JSON.stringify({ ...bare.effects, refused: bare.refused })}`);

    // Where the CPU went: on a shared 2-core machine the ratio of rates is mostly the inverse ratio of CPU per message.
    const counterUs = perMessageUs(counted.cpuMs, counted.count);
    const cpuLine = (label: string, cpu: IngestPass['cpu']) =>
      cpu.hubUsPerMessage === null
        ? `${label} ? µs`
        : `${label} ${cpu.hubUsPerMessage} µs + MariaDB ${cpu.databaseUsPerMessage ?? '?'} µs = ${cpu.hubUsPerMessage + (cpu.databaseUsPerMessage ?? 0)} µs (machine ${cpu.machineBusyPct ?? '?'}% busy)`;
    const cpuNote = `CPU per message: ${cpuLine('hub', one.cpu)}; ${cpuLine('bare mysql2 consumer', bare.cpu)}; counting consumer ${counterUs ?? '?'} µs`;
    notes.push(cpuNote);
    ctx.log(cpuNote);

    // Same durable rows per consumed message: the bare consumer does the hub's work, not less.
    const rowsPer = (e: Effects) => ({
      rmas: round(e.rmas / e.consumed, 3),
      timeline: round(e.timelineRows / e.consumed, 3),
      parts: round(e.parts / e.consumed, 3),
      jobs: round(e.jobs / e.consumed, 3),
      pendingJobs: round(e.pendingJobs / e.consumed, 3),
      claims: round(e.claimedEventIds / e.consumed, 3),
    });
    const sameRows =
      one.drained && bare.drained
        ? (['rmas', 'timelineRows', 'parts', 'jobs', 'pendingJobs', 'claimedEventIds', 'returned'] as const).every(
            (k) => one.effects[k] === bare.effects[k],
          )
        : null;
    notes.push(`rows per consumed message, hub ${JSON.stringify(rowsPer(one.effects))}; bare ${JSON.stringify(rowsPer(bare.effects))}`);

    const ratio = one.rate / bare.rate;
    const checks: Check[] = [
      {
        metric: 'events/s vs bare mysql2 consumer',
        hub: round(one.rate, 0),
        baseline: round(bare.rate, 0),
        ratio,
        target: '>= 60%',
        pass: ratio >= 0.6,
      },
      {
        metric: 'duplicate effects',
        hub: one.effects.duplicateEffects,
        baseline: bare.effects.duplicateEffects,
        target: '0',
        pass:
          one.effects.duplicateEffects === 0 &&
          one.effects.ok &&
          bare.effects.duplicateEffects === 0 &&
          bare.effects.ok &&
          bare.refused === 0,
      },
      {
        metric: 'same rows as the bare consumer',
        hub: sameRows === null ? 'not drained' : sameRows ? 'same' : 'differ',
        target: sameRows === null ? 'info' : 'same',
        pass: sameRows !== false,
      },
      {
        metric: 'CPU µs/message hub, bare (+MariaDB)',
        hub: `${one.cpu.hubUsPerMessage ?? '?'} + ${one.cpu.databaseUsPerMessage ?? '?'}`,
        baseline: `${bare.cpu.hubUsPerMessage ?? '?'} + ${bare.cpu.databaseUsPerMessage ?? '?'}`,
        target: 'info',
        pass: true,
      },
      {
        metric: 'events/s vs counting consumer',
        hub: round(one.rate, 0),
        baseline: round(counterRate, 0),
        ratio: one.rate / counterRate,
        target: 'info',
        pass: true,
      },
    ];
    if (two)
      checks.push(
        {
          metric: 'events/s, 2 hub processes',
          hub: round(two.rate, 0),
          baseline: round(bare.rate, 0),
          ratio: two.rate / bare.rate,
          target: 'info',
          pass: true,
        },
        {
          metric: 'duplicate effects, 2 hub processes',
          hub: two.effects.duplicateEffects,
          target: '0',
          pass: two.effects.duplicateEffects === 0 && two.effects.ok,
        },
      );
    return {
      name: 'kafka',
      checks,
      details: {
        messages: total,
        uniqueEvents: unique,
        duplicates: dups,
        rmas: stories,
        partitions: PARTITIONS,
        capSeconds: maxS,
        hub: one,
        twoHubs: two,
        baseline: bare,
        countingConsumer: {
          seconds: round(bareSeconds, 2),
          eventsPerS: round(counterRate, 0),
          counted: counted.count,
          cpuUsPerMessage: counterUs,
        },
      },
      notes,
    };
  } finally {
    await mock.stop();
    await db.drop();
    await db2?.drop();
    await db3?.drop();
  }
}

const perMessageUs = (ms: number | null | undefined, n: number) =>
  ms === null || ms === undefined || n <= 0 ? null : round((ms * 1000) / n, 0);

interface IngestPass {
  instances: number;
  consumed: number;
  uniqueProcessed: number;
  drained: boolean;
  seconds: number;
  rate: number;
  serverQuestionsPerMessage: number;
  cpu: { hubUsPerMessage: number | null; databaseUsPerMessage: number | null; machineBusyPct: number | null };
  processes: Awaited<ReturnType<HubProcess['stats']>>[];
  profile: unknown;
  effects: Awaited<ReturnType<typeof checkEffects>>;
}

/**
 * One pass: `instances` hub processes in one consumer group read the topic from
 * the beginning into `db`, until it is drained or the cap passes (counted from the
 * first committed batch); they stop gracefully (offsets committed after each handled
 * batch) and the consumed prefix is checked. The rate runs from the first to the
 * last claim the hubs wrote.
 */
async function consume(
  ctx: BenchContext,
  options: {
    db: BenchDatabase;
    mock: { bootstrap: string[] };
    instances: number;
    groupId: string;
    maxS: number;
    profile: boolean;
    sizes: { total: number; unique: number; stories: number };
  },
): Promise<IngestPass> {
  const { db, mock, instances, groupId, maxS } = options;
  const { total, unique, stories } = options.sizes;
  const q0 = await globalQuestions(db.pool);
  const hubs: HubProcess[] = [];
  const admin = new Kafka({ clientId: 'bench-lag', brokers: mock.bootstrap, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const group = `${groupId}-rma`;
  try {
    // Started together, so they join the group together rather than the second one rebalancing a running first.
    const started = await Promise.allSettled(
      Array.from({ length: instances }, (_, i) =>
        startHubProcess({
          name: instances === 1 ? 'ingest-hub' : `ingest-hub-${i + 1}of${instances}`,
          databaseUrl: db.url,
          logDir: ctx.logDir,
          env: {
            KAFKA_BROKERS: mock.bootstrap.join(','),
            KAFKA_SESSION_TIMEOUT_MS: '6000',
            KAFKA_HEARTBEAT_MS: '500',
            KAFKA_MAX_WAIT_MS: '100',
            KAFKA_GROUP_ID: groupId,
          },
        }),
      ),
    );
    for (const s of started) if (s.status === 'fulfilled') hubs.push(s.value);
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    let profiling = false;
    let capStart = 0;
    const serverPid = await localServerPid(db.pool);
    let windowStart: CpuMark | null = null;
    const joinDeadline = Date.now() + 60_000;
    // Progress from the group's committed offsets, not from the database: a COUNT(*) over processed_events
    // every 250 ms was 6% of MariaDB's time in the window, charged to the hub.
    for (;;) {
      const progress = await groupLag(admin, group);
      if (!capStart && progress.committed > 0) {
        capStart = Date.now();
        await Promise.all(hubs.map((h) => h.resetStats()));
        windowStart = cpuMark(serverPid);
      }
      if (!capStart && Date.now() > joinDeadline) throw new Error(`the hubs of ${groupId} consumed nothing within 60 s of starting`);
      if (options.profile && !profiling && progress.committed > 200) {
        await hubs[0].profileStart();
        profiling = true;
      }
      if (progress.lag === 0) break;
      if (capStart && Date.now() - capStart > maxS * 1000) break;
      await sleep(250);
    }
    const questions = (await globalQuestions(db.pool)) - q0;
    const windowCpu = windowStart ? cpuBetween(windowStart, cpuMark(serverPid)) : null;
    const profile = profiling ? await hubs[0].profileStop(path.join(ctx.runDir, 'ingest-hub.cpuprofile')) : null;
    const processes = await Promise.all(hubs.map((h) => h.stats()));
    await Promise.all(hubs.splice(0).map((h) => h.stop()));
    const consumed = (await groupLag(admin, group)).committed;
    const processed = await scalar(db.pool, `SELECT COUNT(*) FROM processed_events WHERE consumer = 'rma-inbound'`);
    const [span] = await selectAll<{ first: Date; last: Date }>(
      db.pool,
      `SELECT MIN(processedAt) AS first, MAX(processedAt) AS last FROM processed_events WHERE consumer = 'rma-inbound'`,
    );
    const seconds = (span.last.getTime() - span.first.getTime()) / 1000;
    const rate = consumed / seconds;
    const drained = consumed >= total;
    const hubCpuMs = processes.reduce((sum, p) => sum + p.cpuMs, 0);
    ctx.log(
      `${instances} hub process${instances > 1 ? 'es' : ''} consumed ${consumed} messages (${processed} unique events) in ${seconds.toFixed(1)}s → ${round(rate, 0)} events/s, ` +
        `~${round(questions / consumed, 1)} SQL statements per message (server-wide count), hub CPU ${processes.map((p) => `${p.cpuPct}%`).join(' + ')}`,
    );
    // Exactly once in effect.
    const effects = await checkEffects(db.pool, drained ? stories : null, drained ? unique : processed, consumed);
    return {
      instances,
      consumed,
      uniqueProcessed: processed,
      drained,
      seconds: round(seconds, 1),
      rate,
      serverQuestionsPerMessage: round(questions / consumed, 1),
      cpu: {
        hubUsPerMessage: perMessageUs(hubCpuMs, consumed),
        databaseUsPerMessage: perMessageUs(windowCpu?.serverMs, consumed),
        machineBusyPct: windowCpu?.machineBusyPct ?? null,
      },
      processes,
      profile,
      effects,
    };
  } finally {
    await Promise.all(hubs.map((h) => h.stop().catch(() => undefined)));
    await admin.disconnect().catch(() => undefined);
  }
}

async function groupLag(admin: import('kafkajs').Admin, groupId: string): Promise<{ lag: number; committed: number }> {
  const [offsets, committed] = await Promise.all([admin.fetchTopicOffsets(TOPIC), admin.fetchOffsets({ groupId, topics: [TOPIC] })]);
  const byPartition = new Map<number, number>();
  for (const t of committed) for (const p of t.partitions) byPartition.set(p.partition, Number(p.offset));
  let lag = 0;
  let committedTotal = 0;
  for (const o of offsets) {
    const c = byPartition.get(o.partition) ?? -1;
    lag += Number(o.high) - (c >= 0 ? c : Number(o.low));
    committedTotal += c >= 0 ? c - Number(o.low) : 0;
  }
  return { lag, committed: committedTotal };
}

/**
 * Stories in waves of 500 RMAs: every RMA of the wave is created, then every
 * one approved, and so on (per RMA the events stay in order: the key is the
 * RMA number). After each wave, 5% of its events are sent again.
 */
async function produce(
  brokers: string[],
  stories: number,
  serials: string[],
  partnerSource: string,
  regionalSource: string,
  total: number,
) {
  const kafka = new Kafka({ clientId: 'bench-centres', brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const random = rng(3);
  const base = Date.now() - 2 * 86400_000;
  let messages = 0;
  let duplicates = 0;
  const unique = stories * STORY.length;
  const dupTarget = total - unique;
  const wave = 500;
  for (let w = 0; w < stories; w += wave) {
    const batch: Array<{ key: string; value: string }> = [];
    for (let step = 0; step < STORY.length; step++)
      for (let i = w; i < Math.min(stories, w + wave); i++) {
        const number = `RMA-KI-${String(i).padStart(7, '0')}`;
        const type = STORY[step];
        const at = new Date(base + i * 1000 + step * 3600_000).toISOString();
        const payload: Record<string, unknown> =
          type === 'RmaCreated'
            ? { serialNumber: serials[i], faultyPartNumbers: ['PSU-750W'], problem: `PSU failed on unit ${i}`, outOfServiceAt: at }
            : type === 'RmaApproved'
              ? { validity: 'P30D', approvedBy: 'regional desk' }
              : type === 'RepairCompleted'
                ? { summary: 'PSU replaced', partsUsed: [{ partNumber: 'PSU-750W', condition: 'NEW', source: 'ORIGINAL_MANUFACTURER' }] }
                : {};
        const source = type === 'RmaCreated' || type === 'UnitReturned' ? partnerSource : regionalSource;
        const envelope = { eventId: randomUUID(), type, version: 1, occurredAt: at, source, key: number, payload };
        batch.push({ key: number, value: JSON.stringify(envelope) });
      }
    // Re-sent messages (same bytes, same eventId), spread over the waves.
    const wantDups = Math.round((dupTarget * Math.min(stories, w + wave)) / stories) - duplicates;
    const withDups = [...batch];
    for (let d = 0; d < wantDups; d++) {
      const k = Math.floor(random() * batch.length);
      withDups.splice(Math.min(withDups.length, k + 1 + Math.floor(random() * 200)), 0, batch[k]);
    }
    duplicates += wantDups;
    for (let i = 0; i < withDups.length; i += 1000) {
      const chunk = withDups.slice(i, i + 1000);
      await producer.send({ topic: TOPIC, acks: -1, messages: chunk });
      messages += chunk.length;
    }
  }
  await producer.disconnect();
  return { messages, duplicates };
}

/**
 * Exactly once in effect, over what was consumed: one timeline entry per claimed eventId, no eventId
 * applied twice, the re-sent messages consumed left nothing, nothing refused or held. After a full
 * drain also: every RMA created and returned, one replacement part each.
 */
async function checkEffects(pool: import('mysql2/promise').Pool, stories: number | null, unique: number, consumed: number) {
  const rmas = await scalar(pool, `SELECT COUNT(*) FROM rmas WHERE number LIKE 'RMA-KI-%'`);
  const returned = await scalar(pool, `SELECT COUNT(*) FROM rmas WHERE number LIKE 'RMA-KI-%' AND status = 'RETURNED_TO_CUSTOMER'`);
  const timeline = await scalar(pool, `SELECT COUNT(*) FROM rma_events WHERE eventId IS NOT NULL AND rmaNumber LIKE 'RMA-KI-%'`);
  const duplicateEffects = await scalar(
    pool,
    `SELECT COUNT(*) FROM (SELECT eventId FROM rma_events WHERE eventId IS NOT NULL GROUP BY eventId HAVING COUNT(*) > 1) d`,
  );
  const replacementParts = await scalar(pool, `SELECT COUNT(*) FROM rma_parts WHERE kind = 'REPLACEMENT'`);
  const completed = await scalar(pool, `SELECT COUNT(*) FROM rmas WHERE number LIKE 'RMA-KI-%' AND repairCompletedAt IS NOT NULL`);
  const deadLetters = await scalar(pool, `SELECT COUNT(*) FROM dead_letters`);
  const held = await scalar(pool, `SELECT COUNT(*) FROM rma_held_events`);
  const claimed = await scalar(pool, `SELECT COUNT(*) FROM processed_events WHERE consumer = 'rma-inbound'`);
  // Compared between the hub and the bare consumer (rows per consumed message).
  const timelineRows = await scalar(pool, `SELECT COUNT(*) FROM rma_events WHERE rmaNumber LIKE 'RMA-KI-%'`);
  const parts = await scalar(pool, `SELECT COUNT(*) FROM rma_parts`);
  const jobs = await scalar(pool, `SELECT COUNT(*) FROM scheduled_jobs WHERE jobKey LIKE 'rma:%'`);
  const pendingJobs = await scalar(pool, `SELECT COUNT(*) FROM scheduled_jobs WHERE jobKey LIKE 'rma:%' AND status = 'PENDING'`);
  const duplicatesConsumed = consumed - claimed;
  const ok =
    timeline === claimed &&
    claimed === unique &&
    replacementParts === completed &&
    deadLetters === 0 &&
    held === 0 &&
    duplicatesConsumed >= 0 &&
    (stories === null || (rmas === stories && returned === stories && replacementParts === stories));
  return {
    ok,
    consumed,
    claimedEventIds: claimed,
    duplicatesConsumed,
    rmas,
    returned,
    timelineEntriesFromEvents: timeline,
    duplicateEffects,
    replacementParts,
    deadLetters,
    held,
    timelineRows,
    parts,
    jobs,
    pendingJobs,
  };
}

type Effects = Awaited<ReturnType<typeof checkEffects>>;

/**
 * The bare kafkajs + mysql2 consumer (kafka-bare-baseline.ts) in its own process, measured exactly as a
 * hub pass: from the beginning of the topic into its own copy of the seeded database, the same cap, the
 * rate from the first to the last claim it wrote, the same checks afterwards.
 */
async function bareConsume(
  ctx: BenchContext,
  options: { db: BenchDatabase; mock: { bootstrap: string[] }; maxS: number; sizes: { total: number; unique: number; stories: number } },
): Promise<IngestPass & { refused: number }> {
  const { db, mock, maxS } = options;
  const { total, unique, stories } = options.sizes;
  const groupId = 'bench-bare-ingest';
  const admin = new Kafka({ clientId: 'bench-lag', brokers: mock.bootstrap, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const child = spawnChild('ingest-bare', 'kafka-bare-baseline.js', {
    env: { BENCH_BROKERS: mock.bootstrap.join(','), BENCH_TOPIC: TOPIC, BENCH_DATABASE_URL: db.url, BENCH_GROUP: groupId },
    logFile: path.join(ctx.logDir, 'ingest-bare.log'),
  });
  try {
    await child.next('ready', 60_000);
    const q0 = await globalQuestions(db.pool);
    const serverPid = await localServerPid(db.pool);
    let capStart = 0;
    let windowStart: CpuMark | null = null;
    const joinDeadline = Date.now() + 60_000;
    for (;;) {
      const progress = await groupLag(admin, groupId);
      if (!capStart && progress.committed > 0) {
        capStart = Date.now();
        await child.call('resetStats', {}, 10_000);
        windowStart = cpuMark(serverPid);
      }
      if (!capStart && Date.now() > joinDeadline) throw new Error('the bare consumer consumed nothing within 60 s of starting');
      if (progress.lag === 0) break;
      if (capStart && Date.now() - capStart > maxS * 1000) break;
      await sleep(250);
    }
    const questions = (await globalQuestions(db.pool)) - q0;
    const windowCpu = windowStart ? cpuBetween(windowStart, cpuMark(serverPid)) : null;
    const stats = await child.call<{ consumed: number; refused: number; cpuMs: number }>('stats', {}, 10_000);
    await child.stop();
    const consumed = (await groupLag(admin, groupId)).committed;
    const processed = await scalar(db.pool, `SELECT COUNT(*) FROM processed_events WHERE consumer = 'rma-inbound'`);
    const [span] = await selectAll<{ first: Date; last: Date }>(
      db.pool,
      `SELECT MIN(processedAt) AS first, MAX(processedAt) AS last FROM processed_events WHERE consumer = 'rma-inbound'`,
    );
    const seconds = (span.last.getTime() - span.first.getTime()) / 1000;
    const rate = consumed / seconds;
    const drained = consumed >= total;
    ctx.log(
      `bare mysql2 consumer stored ${consumed} messages (${processed} unique events) in ${seconds.toFixed(1)}s → ${round(rate, 0)} events/s, ` +
        `~${round(questions / consumed, 2)} SQL statements per message (server-wide count)`,
    );
    const effects = await checkEffects(db.pool, drained ? stories : null, drained ? unique : processed, consumed);
    return {
      instances: 1,
      consumed,
      uniqueProcessed: processed,
      drained,
      seconds: round(seconds, 1),
      rate,
      serverQuestionsPerMessage: round(questions / consumed, 2),
      cpu: {
        hubUsPerMessage: perMessageUs(stats.cpuMs, consumed),
        databaseUsPerMessage: perMessageUs(windowCpu?.serverMs, consumed),
        machineBusyPct: windowCpu?.machineBusyPct ?? null,
      },
      processes: [],
      profile: null,
      effects,
      refused: stats.refused,
    };
  } finally {
    await child.stop().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}
