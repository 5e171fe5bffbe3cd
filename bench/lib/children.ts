/**
 * Child processes of a benchmark run (hub, baselines, load generators,
 * subscribers). Every child is tracked and killed when the run ends, fails or
 * is interrupted; every child also exits when its IPC channel to the parent
 * closes (see serveRpc), so a killed orchestrator leaves nothing behind.
 *
 * RPC: the parent calls `child.call(cmd, args)`; the child answers from the
 * handlers it registered with `serveRpc`. Children may also push events
 * (`emit(name, data)`), which the parent awaits with `child.next(name)`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';

interface RpcRequest {
  rpc: number;
  cmd: string;
  args: unknown;
}
interface RpcReply {
  rpc: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}
interface EventMessage {
  event: string;
  data: unknown;
}

const live = new Set<Child>();

export class Child {
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private readonly events: EventMessage[] = [];
  private readonly waiters: Array<{ name: string; resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }> = [];
  private exited = false;
  private exitCode: number | null = null;
  private readonly exitPromise: Promise<void>;
  private stderrTail = '';

  constructor(
    readonly name: string,
    readonly proc: ChildProcess,
    log: WriteStream | null,
  ) {
    live.add(this);
    proc.stdout?.on('data', (chunk: Buffer) => log?.write(chunk));
    proc.stderr?.on('data', (chunk: Buffer) => {
      log?.write(chunk);
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-3000);
    });
    proc.on('message', (message: unknown) => this.onMessage(message));
    this.exitPromise = new Promise((resolve) => {
      proc.once('exit', (code, signal) => {
        this.exited = true;
        this.exitCode = code ?? (signal ? 128 : 0);
        live.delete(this);
        log?.end();
        const error = new Error(
          `${this.name} exited (code ${code}, signal ${signal})${this.stderrTail ? `:\n${this.stderrTail.trim()}` : ''}`,
        );
        for (const p of this.pending.values()) {
          clearTimeout(p.timer);
          p.reject(error);
        }
        this.pending.clear();
        for (const w of this.waiters.splice(0)) {
          clearTimeout(w.timer);
          w.reject(error);
        }
        resolve();
      });
    });
  }

  get pid(): number {
    return this.proc.pid ?? -1;
  }
  get running(): boolean {
    return !this.exited;
  }

  private onMessage(message: unknown) {
    const m = message as Partial<RpcReply & EventMessage>;
    if (typeof m?.rpc === 'number') {
      const p = this.pending.get(m.rpc);
      if (!p) return;
      this.pending.delete(m.rpc);
      clearTimeout(p.timer);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(`${this.name}: ${m.error}`));
      return;
    }
    if (typeof m?.event === 'string') {
      const i = this.waiters.findIndex((w) => w.name === m.event);
      if (i >= 0) {
        const [w] = this.waiters.splice(i, 1);
        clearTimeout(w.timer);
        w.resolve(m.data);
      } else this.events.push(m as EventMessage);
    }
  }

  call<T = unknown>(cmd: string, args: unknown = {}, timeoutMs = 120_000): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`${this.name} is not running${this.stderrTail ? `:\n${this.stderrTail}` : ''}`));
    const rpc = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(rpc);
        reject(new Error(`${this.name}: no answer to ${cmd} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(rpc, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.proc.send({ rpc, cmd, args } satisfies RpcRequest);
    });
  }

  /** The next event of that name (buffered if it already arrived). */
  next<T = unknown>(name: string, timeoutMs = 120_000): Promise<T> {
    const i = this.events.findIndex((e) => e.event === name);
    if (i >= 0) return Promise.resolve(this.events.splice(i, 1)[0].data as T);
    if (this.exited)
      return Promise.reject(new Error(`${this.name} exited before ${name}${this.stderrTail ? `:\n${this.stderrTail}` : ''}`));
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        const j = this.waiters.findIndex((w) => w.resolve === resolve);
        if (j >= 0) this.waiters.splice(j, 1);
        reject(new Error(`${this.name}: no ${name} within ${timeoutMs} ms${this.stderrTail ? `:\n${this.stderrTail}` : ''}`));
      }, timeoutMs);
      this.waiters.push({ name, resolve: resolve as (v: unknown) => void, reject, timer });
    });
  }

  /** Asks politely (RPC `stop` when it has one, else SIGTERM), then SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000, viaRpc = true): Promise<void> {
    if (this.exited) return;
    const kill = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    try {
      if (viaRpc) await this.call('stop', {}, graceMs).catch(() => this.proc.kill('SIGTERM'));
      else this.proc.kill('SIGTERM');
      await this.exitPromise;
    } finally {
      clearTimeout(kill);
    }
  }

  kill(): void {
    if (!this.exited) this.proc.kill('SIGKILL');
  }

  exited$(): Promise<void> {
    return this.exitPromise;
  }

  get code(): number | null {
    return this.exitCode;
  }
}

export interface SpawnOptions {
  env?: Record<string, string | undefined>;
  args?: string[];
  execArgv?: string[];
  /** Where the child's stdout/stderr go (appended); null = discarded except the stderr tail. */
  logFile?: string | null;
}

/**
 * V8 flags of every bench process, hub and baselines alike: the hub's production
 * start (Dockerfile, `npm start`) runs with a 64 MB young generation, because a
 * GraphQL response allocates many short-lived objects and the default spends a
 * quarter of the CPU in scavenges. Giving the baselines the same flag keeps the
 * ratios about code, not tuning.
 */
export const NODE_FLAGS = ['--max-semi-space-size=64'];

/** Forks a compiled bench script (path relative to dist/bench or absolute). */
export function spawnChild(name: string, script: string, options: SpawnOptions = {}): Child {
  const file = path.isAbsolute(script) ? script : path.join(__dirname, '..', script);
  let log: WriteStream | null = null;
  if (options.logFile) {
    mkdirSync(path.dirname(options.logFile), { recursive: true });
    log = createWriteStream(options.logFile, { flags: 'a' });
  }
  const proc = fork(file, options.args ?? [], {
    env: { ...process.env, ...options.env },
    execArgv: [...NODE_FLAGS, ...(options.execArgv ?? [])],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
  return new Child(name, proc, log);
}

/** Kills every child still running (used on failure and on interrupt). */
export async function killAll(): Promise<void> {
  const all = [...live];
  for (const child of all) child.proc.kill('SIGTERM');
  await Promise.race([Promise.all(all.map((c) => c.exited$())), new Promise((r) => setTimeout(r, 3000))]);
  for (const child of [...live]) child.kill();
}

export function liveChildren(): number {
  return live.size;
}

// ---- child side ----------------------------------------------------------------

export type Handlers = Record<string, (args: any) => unknown>;

/** In a child: answers the parent's RPCs; exits when the parent goes away. */
export function serveRpc(handlers: Handlers): void {
  process.on('message', (message: unknown) => {
    const m = message as Partial<RpcRequest>;
    if (typeof m?.rpc !== 'number' || typeof m.cmd !== 'string') return;
    const rpc = m.rpc;
    const handler = handlers[m.cmd];
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown command ${m.cmd}`);
        return handler(m.args);
      })
      .then(
        (result) => process.send?.({ rpc, ok: true, result } satisfies RpcReply),
        (error: unknown) => process.send?.({ rpc, ok: false, error: String((error as Error)?.stack ?? error) } satisfies RpcReply),
      );
  });
  process.on('disconnect', () => process.exit(0));
}

export function emit(event: string, data: unknown = null): void {
  process.send?.({ event, data } satisfies EventMessage);
}

/** Entry wrapper for child scripts: reports a start-up failure and exits non-zero. */
export function childMain(fn: () => Promise<void>): void {
  fn().catch((error: unknown) => {
    process.stderr.write(`${String((error as Error)?.stack ?? error)}\n`);
    emit('fatal', String((error as Error)?.message ?? error));
    setTimeout(() => process.exit(1), 100);
  });
}
