/**
 * CPU profiles taken inside a server process over a measured window (the
 * inspector's sampling profiler, as `node --cpu-prof` but bounded to the
 * window), written as .cpuprofile (open in Chrome DevTools) and summarised as
 * the functions with the most self time.
 */
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

let session: Session | null = null;

function post<T>(method: string, params: object = {}): Promise<T> {
  return new Promise((resolve, reject) => session!.post(method, params, (err, res) => (err ? reject(err) : resolve(res as T))));
}

export async function startProfile(): Promise<void> {
  if (session) return;
  session = new Session();
  session.connect();
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 500 });
  await post('Profiler.start');
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  top: Array<{ fn: string; where: string; selfMs: number; pct: number }>;
  byPackage: Array<{ pkg: string; selfMs: number; pct: number }>;
}

export async function stopProfile(file: string, topN = 25): Promise<ProfileSummary | null> {
  if (!session) return null;
  const { profile } = await post<{ profile: CpuProfile }>('Profiler.stop');
  await post('Profiler.disable');
  session.disconnect();
  session = null;
  writeFileSync(file, JSON.stringify(profile));
  return summarizeProfile(profile, file, topN);
}

export function summarizeProfile(profile: CpuProfile, file: string, topN = 25): ProfileSummary {
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const selfUs = new Map<number, number>();
  for (let i = 0; i < samples.length; i++) selfUs.set(samples[i], (selfUs.get(samples[i]) ?? 0) + (deltas[i] ?? 0));
  const byFn = new Map<string, { fn: string; where: string; us: number }>();
  const byPkg = new Map<string, number>();
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    if (!us) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : '(native)';
    const key = `${functionName}|${where}`;
    const entry = byFn.get(key) ?? { fn: functionName || '(anonymous)', where, us: 0 };
    entry.us += us;
    byFn.set(key, entry);
    const pkg = packageOf(url, functionName);
    byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + us);
  }
  const pct = (us: number) => Math.round((us / 1000 / totalMs) * 1000) / 10;
  return {
    file,
    totalMs: Math.round(totalMs),
    top: [...byFn.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, topN)
      .map((e) => ({ fn: e.fn, where: e.where, selfMs: Math.round(e.us / 1000), pct: pct(e.us) })),
    byPackage: [...byPkg.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
      .map(([pkg, us]) => ({ pkg, selfMs: Math.round(us / 1000), pct: pct(us) })),
  };
}

function shortUrl(url: string): string {
  const i = url.lastIndexOf('node_modules/');
  if (i >= 0) return url.slice(i + 'node_modules/'.length);
  const d = url.indexOf('/dist/');
  return d >= 0 ? url.slice(d + 1) : url.replace(/^file:\/\//, '');
}

function packageOf(url: string, fn: string): string {
  if (!url) return fn === '(idle)' || fn === '(program)' || fn === '(garbage collector)' ? fn : '(native)';
  const i = url.lastIndexOf('node_modules/');
  if (i >= 0) {
    const rest = url.slice(i + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.includes('/dist/src/')) return `hub:${url.split('/dist/src/')[1].split('/').slice(0, 2).join('/')}`;
  if (url.startsWith('node:')) return 'node-core';
  return url.includes('/dist/bench/') ? 'bench' : 'other';
}
