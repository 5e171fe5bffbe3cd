import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { Command } from 'commander';
import { apiKeyScopeKinds, createApiKeyService, openHubDatabase } from './app';
import { modules } from './modules';
import type { ApiKeyService } from './platform/auth/api-key.service';
import { isTenantRole, Role } from './platform/auth/principal';
import { AppError } from './platform/errors';
import { ConfigError, loadConfig } from './platform/config';
import { platformResolvers } from './platform/entities';
import { buildSubgraph, printHubSubgraph } from './platform/graphql/federation';
import { buildHubSchema, printHubSchema, resolversOf } from './platform/graphql/schema';
import { createLogger } from './platform/logger';

// Resolved from the working directory: the CLI runs from the project root, compiled or not.
const SCHEMA_FILE = resolve(process.cwd(), 'schema/schema.graphql');
const SUBGRAPH_FILE = resolve(process.cwd(), 'schema/hub.subgraph.graphql');

async function withDatabase<T>(work: (keys: ApiKeyService) => Promise<T>, runMigrations = true): Promise<T> {
  const config = loadConfig({ ...process.env, MIGRATIONS_RUN: runMigrations ? 'true' : 'false' });
  const log = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const db = await openHubDatabase(config, log);
  try {
    return await work(createApiKeyService(db));
  } finally {
    await db.close();
  }
}

const program = new Command('service-hub').description('Service hub administration');

program
  .command('migrate')
  .description('Apply pending database migrations (DATABASE_URL)')
  .action(async () => {
    await withDatabase(async () => undefined, true);
    process.stdout.write('migrations applied\n');
  });

const apikey = program.command('apikey').description('Manage API keys');
apikey
  .command('create')
  .requiredOption('--role <role>', `one of ${Object.values(Role).join(', ')}`)
  .option('--org <id>', 'customer organisation id (CUSTOMER keys)')
  .option('--centre <id>', 'support centre id (PARTNER keys)')
  .option('--depot <id>', 'depot id (WAREHOUSE keys)')
  .option('--name <name>', 'a label to recognise the key by')
  .option('--expires <instant>', 'ISO-8601 instant after which the key stops working (default: never)')
  .action(async (opts: { role: string; org?: string; centre?: string; depot?: string; name?: string; expires?: string }) => {
    const role = opts.role.toUpperCase() as Role;
    const given = (['org', 'centre', 'depot'] as const).filter((flag) => opts[flag] !== undefined);
    const expected = isTenantRole(role) ? apiKeyScopeKinds[role]?.flag : undefined;
    if (given.length > 1)
      throw new AppError('BAD_USER_INPUT', `Give one of --org, --centre, --depot, not ${given.map((f) => `--${f}`).join(' and ')}`);
    if (given.length === 1 && expected && `--${given[0]}` !== expected)
      throw new AppError('BAD_USER_INPUT', `A ${role} key is scoped with ${expected}, not --${given[0]}`);
    const expiresAt = opts.expires === undefined ? null : new Date(opts.expires);
    if (expiresAt && Number.isNaN(expiresAt.getTime()))
      throw new AppError('BAD_USER_INPUT', `--expires ${opts.expires} is not an ISO-8601 instant`);
    const created = await withDatabase((keys) =>
      keys.create(
        { role, scopeId: opts.org ?? opts.centre ?? opts.depot ?? null, name: opts.name, expiresAt },
        {
          role: '--role',
          scopeId: (r) => (isTenantRole(r) ? (apiKeyScopeKinds[r]?.flag ?? '--org/--centre/--depot') : `--${given[0] ?? 'org'}`),
          expiresAt: '--expires',
        },
      ),
    );
    process.stdout.write(
      `${created.key}\n(id ${created.apiKey.id}, role ${created.apiKey.role}${created.apiKey.scopeId ? `, scope ${created.apiKey.scopeId}` : ''}${created.apiKey.expiresAt ? `, expires ${created.apiKey.expiresAt.toISOString()}` : ''}; shown once)\n`,
    );
  });
apikey.command('list').action(async () => {
  const list = await withDatabase((keys) => keys.list());
  for (const k of list)
    process.stdout.write(
      `${k.id}  shk_${k.prefix}_…  ${k.role.padEnd(9)} ${(k.scopeId ?? '-').padEnd(36)}  ${k.revokedAt ? 'REVOKED' : k.expiresAt && k.expiresAt.getTime() <= Date.now() ? 'EXPIRED' : 'active '}  ${k.name}\n`,
    );
});
apikey.command('revoke <idOrPrefix>').action(async (id: string) => {
  const key = await withDatabase((keys) => keys.revoke(id));
  process.stdout.write(`revoked ${key.id}\n`);
});

program
  .command('schema')
  .description('Write schema/schema.graphql and schema/hub.subgraph.graphql from the code (--check: fail when either is stale)')
  .option('--check', 'compare instead of writing')
  .action(async (opts: { check?: boolean }) => {
    const schema = await buildHubSchema(resolversOf(modules, platformResolvers));
    const files = [
      { file: SCHEMA_FILE, sdl: printHubSchema(schema) },
      { file: SUBGRAPH_FILE, sdl: printHubSubgraph(buildSubgraph(schema)) },
    ];
    for (const { file, sdl } of files) {
      const shown = relative(process.cwd(), file);
      if (!opts.check) {
        writeFileSync(file, sdl);
        process.stdout.write(`wrote ${shown}\n`);
        continue;
      }
      let current = '';
      try {
        current = readFileSync(file, 'utf8');
      } catch {
        /* missing counts as stale */
      }
      if (current !== sdl) {
        process.stderr.write(`${shown} is stale: run \`npm run schema\` and commit the result\n`);
        process.exit(1);
      }
      process.stdout.write(`${shown} is up to date\n`);
    }
  });

program.parseAsync().catch((error) => {
  const code = error instanceof AppError ? ` (${error.code})` : '';
  process.stderr.write(`${error instanceof ConfigError ? '' : 'error: '}${(error as Error).message}${code}\n`);
  process.exit(1);
});
