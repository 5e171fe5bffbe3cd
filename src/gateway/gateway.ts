import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGatewayRuntime, getGraphQLWSOptions, GatewayRuntime } from '@graphql-hive/gateway-runtime';
import httpTransport from '@graphql-mesh/transport-http';
import restTransport from '@graphql-mesh/transport-rest';
import { GraphQLError, type GraphQLFieldResolver, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { composeSources } from './compose';
import { gatewayLogger } from './logging';
import { singleSourceShortcut } from './single-source';
import { authEnvName, authorizationFor, DEFAULT_SOURCE_TIMEOUT_MS, SourcesFile } from './sources';
import { wsTransport } from './ws-transport';

export class CompositionError extends Error {
  constructor(readonly lines: string[]) {
    super(`the sources do not compose:\n${lines.join('\n')}`);
  }
}

export interface Gateway {
  url: string;
  supergraphSdl: string;
  runtime: GatewayRuntime;
  close(): Promise<void>;
}

export interface GatewayOptions {
  sources: SourcesFile;
  port?: number;
  host?: string;
  /** Gateway log level (Hive Gateway's logger): 'error' by default, 'info' for a first run. */
  logLevel?: 'debug' | 'info' | 'warn' | 'error' | false;
  env?: NodeJS.ProcessEnv;
}

type ConnectionParams = Record<string, unknown> | undefined;

/** The client's key as the hub reads it: `Authorization: Bearer …`, from a header or graphql-ws connection params. */
function clientAuthorization(request: Request | undefined, connectionParams: ConnectionParams): string | null {
  const header = request?.headers.get('authorization') ?? null;
  if (header) return header;
  const apiKey = request?.headers.get('x-api-key') ?? (connectionParams?.apiKey as string | undefined);
  if (apiKey) return `Bearer ${apiKey}`;
  const fromParams = connectionParams?.authorization;
  return typeof fromParams === 'string' && fromParams ? fromParams : null;
}

/** Error codes of the gateway's transports: the source was not reached or did not answer GraphQL. */
const TRANSPORT_FAILURES = new Set(['SUBREQUEST_HTTP_ERROR', 'GATEWAY_TIMEOUT', 'RESPONSE_VALIDATION_FAILED', 'DOWNSTREAM_SERVICE_ERROR']);

/**
 * Errors of a customer system name it (`extensions.serviceName` and the message) and carry no
 * HTTP status: a slow or broken source costs its own fields, never the hub's answer or a 5xx.
 * Anything else unexpected is masked as usual.
 */
function maskErrorNamingSource(sources: SourcesFile) {
  const customerSources = new Set(sources.joins.map((j) => j.source));
  const sourceNames = new Set(sources.sources.map((s) => s.name));
  const joinFields = new Map(sources.joins.map((j) => [j.field, j.source]));
  return (error: unknown, message: string): Error => {
    const graphqlError = error instanceof GraphQLError ? error : null;
    const named = graphqlError?.extensions?.serviceName;
    const source =
      typeof named === 'string' && customerSources.has(named)
        ? named
        : graphqlError?.path?.map((key) => joinFields.get(String(key))).find((s) => s !== undefined);
    if (graphqlError && source) {
      const detail =
        graphqlError.originalError && !(graphqlError.originalError instanceof GraphQLError) ? 'unexpected answer' : graphqlError.message;
      return new GraphQLError(`${source}: ${detail}`, {
        path: graphqlError.path,
        extensions: {
          code: graphqlError.extensions?.code === 'GATEWAY_TIMEOUT' ? 'SOURCE_TIMEOUT' : 'SOURCE_UNAVAILABLE',
          serviceName: source,
        },
      });
    }
    // Any other source (the hub) that cannot be reached or answers no GraphQL: named, without the
    // upstream request or address the transport puts in its error. Its own GraphQL errors pass as they are.
    const code = graphqlError?.extensions?.code;
    if (graphqlError && typeof named === 'string' && sourceNames.has(named) && typeof code === 'string' && TRANSPORT_FAILURES.has(code)) {
      const timeout = code === 'GATEWAY_TIMEOUT';
      return new GraphQLError(`${named}: ${timeout ? 'no answer within its timeout' : 'not reachable, or its answer was not GraphQL'}`, {
        path: graphqlError.path,
        extensions: { code: timeout ? 'SOURCE_TIMEOUT' : 'SOURCE_UNAVAILABLE', serviceName: named },
      });
    }
    if (graphqlError && (!graphqlError.originalError || graphqlError.originalError instanceof GraphQLError)) return graphqlError;
    return new GraphQLError(message, { path: graphqlError?.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  };
}

const WRAPPED = Symbol('nullSafeJoin');

/**
 * A join whose key is null on a row (an incident without external reference) answers null
 * without asking the source: Mesh would send the source a null for a required argument, and
 * that one invalid call fails every other call batched with it.
 */
function nullSafeJoins(sources: SourcesFile) {
  return {
    onSchemaChange({ schema }: { schema: GraphQLSchema }) {
      for (const join of sources.joins) {
        const type = schema.getType(join.type);
        const field = type && 'getFields' in type ? (type as GraphQLObjectType).getFields()[join.field] : undefined;
        const resolve = field?.resolve as (GraphQLFieldResolver<unknown, unknown> & { [WRAPPED]?: true }) | undefined;
        if (!field || !resolve || resolve[WRAPPED]) continue;
        const keys = Object.values(join.args);
        const wrapped: GraphQLFieldResolver<unknown, unknown> & { [WRAPPED]?: true } = (root, args, context, info) =>
          keys.some((key) => (root as Record<string, unknown> | null)?.[key] == null) ? null : resolve(root, args, context, info);
        wrapped[WRAPPED] = true;
        field.resolve = wrapped;
      }
    },
  };
}

/**
 * The federation gateway: composes the sources file with GraphQL Mesh Compose and serves the
 * supergraph with Hive Gateway over HTTP and graphql-ws. It never imports the hub: the hub is
 * one more source, reached over HTTP like the customer's systems.
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const env = options.env ?? process.env;
  const { sources } = options;
  // Credentials come from the environment; Mesh's transports read them through `{env.…}` at request time.
  for (const source of sources.sources) {
    const authorization = authorizationFor(source, env);
    if (authorization) process.env[authEnvName(source.name)] = authorization;
  }
  const composed = await composeSources(sources, { env });
  if (composed.supergraphSdl === null) throw new CompositionError(composed.errors);

  const timeouts = new Map(sources.sources.map((s) => [s.name, s.timeoutMs ?? DEFAULT_SOURCE_TIMEOUT_MS]));
  const forwarding = new Set(sources.sources.filter((s) => s.kind === 'federation' && s.forwardAuthorization).map((s) => s.name));
  const transportEntries: Record<string, Record<string, unknown>> = {};
  for (const s of sources.sources) {
    if (s.kind === 'openapi') continue;
    transportEntries[s.name] = {
      options: {
        // No merging of identical in-flight requests: it deep-copies every answer for every caller
        // (15% of the gateway's CPU on a 50-row page), and requests carry each client's own key, so it rarely merges.
        deduplicateInflightRequests: false,
        // Our graphql-ws transport (ws-transport.ts): one upstream socket per client key, no silent reconnect.
        ...(s.kind === 'federation' && s.subscriptions
          ? { subscriptions: { kind: 'ws', location: s.url, options: { forwardAuthorization: forwarding.has(s.name) } } }
          : {}),
      },
    };
  }

  const runtime = createGatewayRuntime({
    supergraph: composed.supergraphSdl,
    transports: { http: httpTransport, rest: restTransport, ws: wsTransport } as never,
    transportEntries: transportEntries as never,
    // Hive Gateway's debug level logs each upstream request with its headers: the client's key and
    // a customer system's credentials are censored wherever they appear in a log line's attributes.
    logging: gatewayLogger(options.logLevel ?? 'error'),
    unifiedGraphHandler: singleSourceShortcut(sources.sources.filter((s) => s.kind !== 'openapi').map((s) => s.name)),
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/healthz',
    landingPage: false,
    graphiql: false,
    // A subscription lives as long as the client wants it; the timeout is for answers.
    upstreamTimeout: ({ subgraphName, executionRequest }) =>
      executionRequest?.operationType === 'subscription'
        ? undefined
        : ((subgraphName ? timeouts.get(subgraphName) : undefined) ?? DEFAULT_SOURCE_TIMEOUT_MS),
    propagateHeaders: {
      fromClientToSubgraphs: ({ request, context, subgraphName }) => {
        if (!forwarding.has(subgraphName)) return {};
        const authorization = clientAuthorization(request, (context as { connectionParams?: ConnectionParams }).connectionParams);
        return authorization ? { authorization } : {};
      },
    },
    maskedErrors: { maskError: maskErrorNamingSource(sources) },
    plugins: () => [
      nullSafeJoins(sources),
      {
        // Read by the subscription transport (ws-transport.ts): the key its upstream socket authenticates with.
        onContextBuilding({ context, extendContext }: { context: unknown; extendContext: (extension: object) => void }) {
          const c = context as { request?: Request; connectionParams?: ConnectionParams };
          extendContext({ gatewayAuthorization: clientAuthorization(c.request, c.connectionParams) ?? '' });
        },
      },
    ],
  });

  // Loaded before listening: the runtime loads it lazily on an HTTP request only, and a
  // subscription that came first over graphql-ws met no schema at all.
  await runtime.getSchema();
  const server: Server = createServer(runtime);
  const wsServer = new WebSocketServer({ server, path: '/graphql', maxPayload: 256 * 1024 });
  const ws = useServer(
    getGraphQLWSOptions<Record<string, unknown>, { request: IncomingMessage; socket: unknown }>(runtime, (ctx) => ({
      req: ctx.extra?.request,
      socket: ctx.extra?.socket,
    })),
    wsServer,
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4080, options.host ?? '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;
  const shownHost = !options.host || options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  return {
    url: `http://${shownHost}:${address.port}/graphql`,
    supergraphSdl: composed.supergraphSdl,
    runtime,
    close: async () => {
      await ws.dispose();
      for (const client of wsServer.clients) client.terminate();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runtime.dispose();
    },
  };
}
