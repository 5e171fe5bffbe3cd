import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';

/** Credentials for a customer system: names of environment variables, never the secrets themselves. */
const auth = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('basic'), usernameEnv: z.string().min(1), passwordEnv: z.string().min(1) }),
  z.strictObject({ type: z.literal('bearer'), tokenEnv: z.string().min(1) }),
]);

const sourceName = z.string().regex(/^[a-z][a-zA-Z0-9]*$/, 'a source name is a lower camelCase identifier (it becomes a GraphQL name)');
const common = { name: sourceName, timeoutMs: z.number().int().positive().max(60_000).optional(), auth: auth.optional() };

const source = z.discriminatedUnion('kind', [
  z.strictObject({
    ...common,
    kind: z.literal('federation'),
    url: z.string().url(),
    /** The subgraph SDL as a file; without it the gateway asks the subgraph's `_service { sdl }`. */
    sdlFile: z.string().optional(),
    /** Send the client's Authorization header to this source (the hub: it scopes rows by the key). */
    forwardAuthorization: z.boolean().default(false),
    /** Subscriptions go to this source over graphql-ws on the same URL. */
    subscriptions: z.boolean().default(false),
  }),
  z.strictObject({ ...common, kind: z.literal('graphql'), url: z.string().url(), sdlFile: z.string().optional() }),
  z.strictObject({
    ...common,
    kind: z.literal('openapi'),
    /** URL or file of the OpenAPI 3 document. */
    openapi: z.string().min(1),
    /** Base URL of the API; default: the document's first server. */
    url: z.string().url().optional(),
  }),
]);

/**
 * A field added to a type of one source, answered by a root query of another:
 * `Device.cmdb` = itsm's `configurationItem(serialNumber: <the device's serialNumber>)`.
 */
const join = z.strictObject({
  type: z.string().min(1),
  field: z.string().regex(/^[_a-zA-Z][_a-zA-Z0-9]*$/),
  source: sourceName,
  query: z.string().min(1),
  /** Argument of `query` -> field of `type` whose value it takes. */
  args: z.record(z.string(), z.string().regex(/^[_a-zA-Z][_a-zA-Z0-9]*$/)),
  description: z.string().optional(),
});

export const sourcesFileSchema = z.strictObject({
  sources: z.array(source).min(1),
  joins: z.array(join).default([]),
  /** Demo only: the gateway starts the example customer ITSM (examples/customer-itsm) itself. */
  exampleItsm: z.strictObject({ port: z.number().int().min(0).max(65535).default(4090) }).optional(),
});

export type SourcesFile = z.infer<typeof sourcesFileSchema>;
export type SourceConfig = SourcesFile['sources'][number];
export type JoinConfig = SourcesFile['joins'][number];
export const DEFAULT_SOURCE_TIMEOUT_MS = 2_000;

export class SourcesFileError extends Error {}

/** `${NAME}` and `${NAME:-default}` in any string of the file come from the environment. */
function interpolate(value: unknown, env: NodeJS.ProcessEnv, missing: Set<string>): unknown {
  if (typeof value === 'string')
    return value.replace(/\$\{([A-Z0-9_]+)(?::-([^}]*))?\}/g, (_all, name: string, fallback?: string) => {
      const found = env[name] || fallback; // empty counts as unset, as `:-` does in a shell
      if (found === undefined) missing.add(name);
      return found ?? '';
    });
  if (Array.isArray(value)) return value.map((v) => interpolate(v, env, missing));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env, missing)]));
  return value;
}

/** Reads and validates a sources file; relative paths in it are resolved against its folder. */
export function loadSourcesFile(file: string, env: NodeJS.ProcessEnv = process.env): SourcesFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new SourcesFileError(`${file}: ${(error as Error).message}`);
  }
  const missing = new Set<string>();
  const parsed = sourcesFileSchema.safeParse(interpolate(raw, env, missing));
  if (missing.size) throw new SourcesFileError(`${file}: environment variable(s) ${[...missing].join(', ')} not set`);
  if (!parsed.success)
    throw new SourcesFileError(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const names = parsed.data.sources.map((s) => s.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw new SourcesFileError(`${file}: two sources are named ${duplicate}`);
  const base = dirname(resolve(file));
  const local = (path: string) => (/^https?:\/\//.test(path) ? path : resolve(base, path));
  for (const s of parsed.data.sources) {
    if ('sdlFile' in s && s.sdlFile) s.sdlFile = local(s.sdlFile);
    if (s.kind === 'openapi') s.openapi = local(s.openapi);
  }
  return parsed.data;
}

/** The environment variable the gateway fills with a source's Authorization header value (read at request time). */
export const authEnvName = (sourceName: string) => `GATEWAY_SOURCE_AUTH_${sourceName.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;

/** The Authorization header value for a source, from the variables its `auth` names; null without auth. */
export function authorizationFor(s: SourceConfig, env: NodeJS.ProcessEnv = process.env): string | null {
  if (!s.auth) return null;
  const read = (name: string) => {
    const value = env[name];
    if (!value) throw new SourcesFileError(`source ${s.name}: environment variable ${name} (its credentials) is not set`);
    return value;
  };
  if (s.auth.type === 'bearer') return `Bearer ${read(s.auth.tokenEnv)}`;
  return `Basic ${Buffer.from(`${read(s.auth.usernameEnv)}:${read(s.auth.passwordEnv)}`).toString('base64')}`;
}
