/**
 * CPU time of the database server process and of the whole machine, read from
 * /proc, so a benchmark can say where a measured window's CPU went. On a
 * 2-core machine shared by the hub, MariaDB and the broker, a throughput
 * ratio is mostly a ratio of CPU spent per message by everything involved.
 * Linux only; every reader answers null elsewhere or for a remote server.
 */
import { readFileSync, readdirSync } from 'node:fs';
import type { Pool, RowDataPacket } from 'mysql2/promise';

const TICK_MS = 10; // USER_HZ is 100 on every Linux build we run on

export interface CpuMark {
  serverMs: number | null;
  machineBusyMs: number | null;
  machineTotalMs: number | null;
}

function processCpuMs(pid: number): number | null {
  try {
    // Fields after the command name (which may contain spaces): utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return null;
  }
}

function machineCpuMs(): { busy: number; total: number } | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number); // user nice system idle iowait irq softirq steal
    const total = ticks.reduce((a, b) => a + b, 0);
    const idle = ticks[3] + ticks[4];
    return { busy: (total - idle) * TICK_MS, total: total * TICK_MS };
  } catch {
    return null;
  }
}

/** The pid of the MariaDB/MySQL server behind the pool, when it runs on this machine. */
export async function localServerPid(pool: Pool): Promise<number | null> {
  const [rows] = await pool.query<RowDataPacket[]>('SELECT @@pid_file AS pidFile');
  try {
    const pid = Number(readFileSync(String(rows[0]?.pidFile), 'utf8').trim());
    if (pid > 0 && processCpuMs(pid) !== null) return pid;
  } catch {
    // no readable pid file: look for the server by name
  }
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (comm === 'mariadbd' || comm === 'mysqld') return Number(entry);
    }
  } catch {
    // not Linux
  }
  return null;
}

export function cpuMark(serverPid: number | null): CpuMark {
  const machine = machineCpuMs();
  return {
    serverMs: serverPid ? processCpuMs(serverPid) : null,
    machineBusyMs: machine?.busy ?? null,
    machineTotalMs: machine?.total ?? null,
  };
}

/** CPU used between two marks: the server's ms, and the machine's busy share of all its cores (100% = all cores busy). */
export function cpuBetween(from: CpuMark, to: CpuMark): { serverMs: number | null; machineBusyPct: number | null } {
  const serverMs = from.serverMs !== null && to.serverMs !== null ? to.serverMs - from.serverMs : null;
  const busy = from.machineBusyMs !== null && to.machineBusyMs !== null ? to.machineBusyMs - from.machineBusyMs : null;
  const total = from.machineTotalMs !== null && to.machineTotalMs !== null ? to.machineTotalMs - from.machineTotalMs : null;
  return { serverMs, machineBusyPct: busy !== null && total ? Math.round((busy / total) * 1000) / 10 : null };
}
