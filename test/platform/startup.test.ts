import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { ConfigError, loadConfig } from '../../src/platform/config';

const root = resolve(__dirname, '../..');

/** Runs the real entry point (TypeScript through swc) with the given environment. */
function startWith(env: Record<string, string>) {
  return spawnSync(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH, NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('start-up configuration', () => {
  it.each([
    [{ PORT: 'eighty' }, /^Invalid configuration: PORT must be a number\n$/],
    [{ PORT: '70000' }, /^Invalid configuration: PORT must be between 0 and 65535\n$/],
    [{ DATABASE_URL: 'postgres://db/hub' }, /^Invalid configuration: DATABASE_URL must start with sqlite: .* or mysql:\/\/ .*\n$/],
    [{ DATABASE_URL: 'mysql://' }, /^Invalid configuration: DATABASE_URL is not a valid URL.*\n$/],
  ])('stops the process with one clear line for %j', (env, message) => {
    const result = startWith(env);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  it('names every bad variable at once', () => {
    expect(() => loadConfig({ PORT: '-1', LOG_LEVEL: 'loud' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: '-1', LOG_LEVEL: 'loud' })).toThrow(/PORT .*; LOG_LEVEL /);
  });

  it('defaults to the embedded database and the in-process bus', () => {
    const config = loadConfig({});
    expect(config.port).toBe(4000);
    expect(config.database).toMatchObject({ dialect: 'sqlite', url: 'sqlite:./data/hub.sqlite' });
    expect(config.kafka.brokers).toEqual([]);
    expect(config.graphql.introspection).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production' }).graphql.introspection).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true' }).graphql.introspection).toBe(true);
  });
});
