/** CPU, memory and event-loop delay of the current process since the last reset (baselines answer `stats` with it). */
import { monitorEventLoopDelay } from 'node:perf_hooks';

export function processStats() {
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  let cpuMark = process.cpuUsage();
  let wallMark = performance.now();
  return {
    resetStats: () => {
      loop.reset();
      cpuMark = process.cpuUsage();
      wallMark = performance.now();
      return true;
    },
    stats: ({ gc }: { gc?: boolean } = {}) => {
      if (gc && typeof global.gc === 'function') {
        global.gc();
        global.gc();
      }
      const cpu = process.cpuUsage(cpuMark);
      const wallMs = performance.now() - wallMark;
      const mem = process.memoryUsage();
      return {
        eventLoopDelayMs: { p50: loop.percentile(50) / 1e6, p99: loop.percentile(99) / 1e6, max: loop.max / 1e6, mean: loop.mean / 1e6 },
        cpuPct: Math.round(((cpu.user + cpu.system) / 1000 / wallMs) * 1000) / 10,
        cpuMs: (cpu.user + cpu.system) / 1000,
        rssBytes: mem.rss,
        heapUsedBytes: mem.heapUsed,
        externalBytes: mem.external,
        wallMs,
      };
    },
  };
}
