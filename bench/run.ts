/**
 * npm run bench [-- --quick] [-- --only portal,reservations] [-- --profile]
 *
 * Runs each benchmark against the hub and a bare baseline on the same data in
 * the same run, writes bench/results/<run>.json and prints a table of ratios
 * against their targets. See bench/README.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { killAll, liveChildren } from './lib/children';
import { DEFAULT_MYSQL_URL, dropAllDatabases } from './lib/db';
import { table, type BenchContext, type BenchResult, type Benchmark } from './lib/report';
import { fanout } from './fanout';
import { gateway } from './gateway';
import { kafkaIngest } from './kafka-ingest';
import { portal } from './portal';
import { reservations } from './reservations';
import { scaling } from './scaling';
import { sla } from './sla';
import { stopKafkaMocks } from './lib/kafka-mock';

const BENCHMARKS: Record<string, Benchmark> = { portal, reservations, kafka: kafkaIngest, fanout, sla, gateway, scaling };
const ORDER = ['portal', 'reservations', 'kafka', 'fanout', 'sla', 'gateway', 'scaling'];
/** Part of the full run only (a quick run still runs it when named in --only). */
const FULL_ONLY = ['scaling'];
const ALIASES: Record<string, string> = {
  ingest: 'kafka',
  'kafka-ingest': 'kafka',
  scheduler: 'sla',
  scale: 'scaling',
  dashboard: 'fanout',
  subscriptions: 'fanout',
  federation: 'gateway',
};

function parseArgs(argv: string[]) {
  const out = { quick: false, only: [] as string[], profile: false, mysqlUrl: process.env.BENCH_DATABASE_URL ?? DEFAULT_MYSQL_URL };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') out.quick = true;
    else if (a === '--full') out.quick = false;
    else if (a === '--profile') out.profile = true;
    else if (a === '--only' || a.startsWith('--only=')) {
      const value = a.includes('=') ? a.split('=')[1] : argv[++i];
      out.only = (value ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .map((s) => ALIASES[s] ?? s);
      const unknown = out.only.filter((s) => !BENCHMARKS[s]);
      if (unknown.length) throw new Error(`unknown benchmark(s) ${unknown.join(', ')}; known: ${ORDER.join(', ')}`);
    } else if (a === '--db' || a.startsWith('--db=')) out.mysqlUrl = a.includes('=') ? a.split('=')[1] : argv[++i];
    else if (a === '--help' || a === '-h') {
      process.stdout.write(
        'npm run bench -- [--quick] [--only portal,reservations,kafka,fanout,sla,gateway,scaling] [--profile] [--db mysql://root@127.0.0.1:3306/]\n',
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  if (out.only.length === 0) out.only = ORDER.filter((n) => !(out.quick && FULL_ONLY.includes(n)));
  return out;
}

let cleaning: Promise<void> | null = null;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    await killAll();
    await stopKafkaMocks();
    await dropAllDatabases();
  })();
  return cleaning;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').replace('T', '_').slice(0, 19);
  const runName = `${stamp}-${args.quick ? 'quick' : 'full'}`;
  const resultsDir = path.resolve(__dirname, '../../bench/results');
  const runDir = path.join(resultsDir, runName);
  const logDir = path.join(runDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const started = Date.now();
  const log = (message: string) => process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${message}\n`);

  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.on(signal, () => {
      log(`${signal}: stopping children and dropping bench databases`);
      void cleanup().finally(() => process.exit(130));
    });

  log(
    `bench run ${runName}: ${args.only.join(', ')} (${args.quick ? 'quick' : 'full'}, Node ${process.version}); results in ${path.relative(process.cwd(), runDir)}`,
  );
  const results: BenchResult[] = [];
  const ctx: BenchContext = { quick: args.quick, mysqlUrl: args.mysqlUrl, runDir, logDir, profile: args.profile, log };
  for (const name of ORDER.filter((n) => args.only.includes(n))) {
    const t0 = Date.now();
    log(`== ${name}`);
    let result: BenchResult;
    try {
      result = await BENCHMARKS[name]({ ...ctx, log: (m) => log(`${name}: ${m}`) });
    } catch (error) {
      const message = String((error as Error)?.stack ?? error);
      log(`${name} FAILED: ${message}`);
      result = { name, checks: [], details: {}, notes: [], error: message };
    } finally {
      // Each benchmark is independent: nothing it started survives it.
      if (liveChildren() > 0) await killAll();
      await stopKafkaMocks();
      await dropAllDatabases();
    }
    result.durationS = Math.round((Date.now() - t0) / 1000);
    results.push(result);
    log(`${name} done in ${result.durationS}s`);
  }

  const report = {
    run: runName,
    mode: args.quick ? 'quick' : 'full',
    startedAt: new Date(started).toISOString(),
    durationS: Math.round((Date.now() - started) / 1000),
    machine: { cpus: (await import('node:os')).cpus().length, node: process.version, loadavg: (await import('node:os')).loadavg() },
    results,
  };
  const file = path.join(resultsDir, `${runName}.json`);
  writeFileSync(file, JSON.stringify(report, null, 2));
  process.stdout.write(`\n${table(results)}\n\n`);
  for (const r of results) for (const note of r.notes) process.stdout.write(`- ${r.name}: ${note}\n`);
  process.stdout.write(`\nresults: ${path.relative(process.cwd(), file)} (logs and profiles in ${path.relative(process.cwd(), runDir)})\n`);
  process.stdout.write(`total ${report.durationS}s\n`);
  const failed = results.some((r) => r.error);
  await cleanup();
  process.exit(failed ? 1 : 0);
}

main().catch(async (error) => {
  process.stderr.write(`bench failed: ${String((error as Error)?.stack ?? error)}\n`);
  await cleanup();
  process.exit(1);
});
