import { spawn } from 'node:child_process';
import { request } from 'node:http';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Role } from '../../src/platform/auth/principal';
import { createTestDatabase, TestDatabase } from '../support/database';
import { startTestHub } from '../support/hub';

const ROOT = path.resolve(__dirname, '../..');

/** `src/main.ts` as deployed (NODE_ENV=production), so the signal handling is the real one. */
function startMain(db: TestDatabase) {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: db.url,
      LOG_LEVEL: 'info',
      SEED_DEMO: 'false',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const logs: Array<Record<string, any>> = [];
  let onLog: (() => void) | null = null;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      logs.push(JSON.parse(line));
      onLog?.();
    } catch {
      /* not a log line */
    }
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    onLog = () => {
      const ready = logs.find((l) => l.msg === 'service hub listening');
      if (ready) resolve(String(ready.url).replace(/\/graphql$/, ''));
    };
    child.once('exit', () => reject(new Error('the hub exited before listening')));
  });
  return { child, logs, exit, url };
}

describe('SIGTERM', () => {
  let db: TestDatabase;
  let key: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    // Migrate and create a key with an in-process hub, then let main.ts run on the same database.
    const t = await startTestHub({ db });
    key = (await t.app.hub.apiKeys.create({ role: Role.ADMIN })).key;
    await t.stop({ drop: false });
  });
  afterAll(() => db?.drop());

  it('stops an idle hub promptly, without the forced-exit timeout', async () => {
    const hub = startMain(db);
    await hub.url;
    hub.child.kill('SIGTERM');
    expect(await hub.exit).toBe(0);
    const messages = hub.logs.map((l) => l.msg);
    expect(messages).toContain('stopped');
    expect(messages).not.toContain('graceful shutdown timed out; exiting');
  }, 60_000);

  it('lets a request that is in flight finish, then stops', async () => {
    const hub = startMain(db);
    const url = new URL(await hub.url);
    const body = JSON.stringify({ query: '{ me { role } }' });
    let answer = '';
    const answered = new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: '/graphql',
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${key}` },
        },
        (res) => {
          res.on('data', (chunk) => (answer += chunk));
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      // Half the body now: the request is in flight when the signal arrives.
      req.write(body.slice(0, 10));
      setTimeout(() => {
        hub.child.kill('SIGTERM');
        const waitForShutdownLog = setInterval(() => {
          if (hub.logs.some((l) => l.msg === 'shutting down')) {
            clearInterval(waitForShutdownLog);
            req.end(body.slice(10));
          }
        }, 20);
      }, 200);
    });
    expect(await answered).toBe(200);
    expect(JSON.parse(answer).data.me.role).toBe('ADMIN');
    expect(await hub.exit).toBe(0);
    expect(hub.logs.map((l) => l.msg)).not.toContain('graceful shutdown timed out; exiting');
  }, 60_000);
});
