import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, ApolloServerPlugin } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { explorerRouter } from './explorer';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import express, { Express } from 'express';
import { DocumentNode, GraphQLError, GraphQLSchema, parse, specifiedRules, subscribe, validate, ValidationRule } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocket, WebSocketServer } from 'ws';
import { bearerToken, KEY_CACHE_TTL_MS, keyPrefixOf } from '../auth/api-key.service';
import type { Principal } from '../auth/principal';
import { beginCountingQueries, COUNT_SQL_HEADER, currentQueryCount, type QueryCount } from '../db/query-counter';
import { AppError, ErrorCode } from '../errors';
import { AccessFields, HubContext, Loaders } from '../graphql/context';
import { createErrorFormatter } from '../graphql/errors';
import { answerGraphqlPost, BodyError, isPlainGraphqlPost, readJsonBody, sendJsonError } from './graphql-post';
import { createGroupedSubscriptions, GroupMember, subscriptionGroupKey } from '../graphql/grouped-subscriptions';
import { MAX_BACKLOG, subscriberGuard } from '../pubsub';
import { RateLimits, rateLimited } from '../rate-limit';
import type { Hub } from '../hub';

const MAX_BODY = '256kb';
const MAX_BODY_BYTES = 256 * 1024;

export interface HttpServer {
  server: Server;
  app: Express;
  listen(port: number, host: string): Promise<string>;
  url(): string;
  /** Stops accepting, lets in-flight requests finish, closes subscriptions. */
  close(): Promise<void>;
}

function limitRules(hub: Hub): ValidationRule[] {
  const g = hub.config.graphql;
  // The same rules graphql-armor installs in Apollo, applied to WebSocket operations too.
  return [
    maxDepthRule({ n: g.maxDepth, ignoreIntrospection: true }),
    costLimitRule({ maxCost: g.maxCost, ignoreIntrospection: true }),
    maxAliasesRule({ n: g.maxAliases }),
    maxDirectivesRule({ n: g.maxDirectives }),
  ] as ValidationRule[];
}

export async function createHttpServer(
  hub: Hub,
  schema: GraphQLSchema,
  routes: Array<{ path: string; router: express.Router }> = [],
): Promise<HttpServer> {
  const { config, log, metrics } = hub;
  const app = express();
  app.disable('x-powered-by');
  // Assigned once Apollo has started; until then every request goes through Express.
  let graphqlPost: ((req: IncomingMessage, res: ServerResponse) => void) | null = null;
  const accessLog = createAccessLog(hub);
  const server = createServer((req, res) => {
    accessLog?.(req, res);
    if (graphqlPost && isPlainGraphqlPost(req, '/graphql')) graphqlPost(req, res);
    else app(req, res);
  });
  const formatError = createErrorFormatter(log, { hideSuggestions: config.nodeEnv === 'production' });

  const reformatted = (e: GraphQLError) => {
    const { message, extensions } = formatError(e, e);
    return new GraphQLError(message, { ...e, extensions });
  };

  const wsServer = new WebSocketServer({ server, path: '/graphql', maxPayload: 256 * 1024 });
  const wsRules = [...specifiedRules, ...limitRules(hub)];
  const groupedSubscriptions = createGroupedSubscriptions();
  // Set when a subscription is accepted, on the subscription's own context (documents are shared, see validDocuments).
  const groupedBy = new WeakMap<HubContext, { groupKey: string; member: GroupMember }>();
  /**
   * Valid subscription documents by query text. Thousands of dashboards send the same query: one parsed
   * document (about 10 KB with its token list) serves them all instead of one each, and parsing and
   * validating it is done once. Bounded: the oldest entry goes when it is full.
   */
  const validDocuments = new Map<string, { query: string; document: DocumentNode }>();
  const MAX_CACHED_DOCUMENTS = 500;
  const socketOf = (extra: unknown) => (extra as { socket: WebSocket }).socket;
  /** A subscription's context: one per subscription (its loaders do not cache, see Loaders). */
  const contextOf = (ctx: { extra: { principal?: HubContext['principal'] } }): HubContext =>
    new SubscriptionContext(hub, ctx.extra.principal ?? null, socketOf(ctx.extra));

  /**
   * A subscription's results as `next` frames straight onto its socket: the group serialised the result
   * once, only the frame around it is per subscriber. The bounds graphql-ws's onNext and the pubsub's
   * backlog gave a lone subscription hold here: a client whose socket holds more than
   * wsMaxBufferedBytes, or more than MAX_BACKLOG of this subscription's frames, is cut off.
   */
  const socketMember = (socket: WebSocket, id: string): GroupMember => {
    const framePrefix = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
    let unflushed = 0;
    const flushed = () => void unflushed--;
    return {
      deliver(resultJson) {
        if (socket.readyState !== WebSocket.OPEN) return;
        if (socket.bufferedAmount > config.wsMaxBufferedBytes || unflushed >= MAX_BACKLOG) {
          log.warn({ buffered: socket.bufferedAmount, unflushed }, 'closing a WebSocket client that does not read');
          socket.terminate();
          return;
        }
        unflushed++;
        socket.send(`${framePrefix}${resultJson}}`, flushed);
      },
    };
  };
  const rateLimits = hub.get(RateLimits);
  if (config.rateLimit.enabled) await rateLimits.connect();
  const keySockets = createKeySockets(hub);
  const wsCleanup = useServer<Record<string, unknown>, { principal?: HubContext['principal'] }>(
    {
      schema,
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const presented = (params.apiKey as string | undefined) ?? bearerToken(params.authorization as string | undefined) ?? null;
        const principal = await hub.apiKeys.authenticate(presented);
        const socket = socketOf(ctx.extra);
        if (!principal) {
          logAuthFailure(hub, presented, (ctx.extra as { request?: IncomingMessage }).request?.socket.remoteAddress, 'websocket');
          return false; // closes 4403 Forbidden
        }
        ctx.extra.principal = principal;
        // graphql-ws keeps the upgrade request for the connection's lifetime; nothing reads it after this
        // (headers, parser state: about a tenth of an idle subscriber's heap).
        (ctx.extra as { request?: IncomingMessage }).request = undefined;
        keySockets.add(socket, principal, presented as string);
        metrics.wsConnections.inc();
        return true;
      },
      onClose: (ctx) => {
        keySockets.remove(socketOf(ctx.extra));
        if (ctx.extra.principal) metrics.wsConnections.dec();
      },
      onSubscribe: async (ctx, id, payload) => {
        if (config.rateLimit.enabled && ctx.extra.principal) {
          const principal = ctx.extra.principal;
          const limiter = rateLimits.limiter(`requests-${principal.role.toLowerCase()}`, {
            points: config.rateLimit.perRole[principal.role],
            durationSeconds: config.rateLimit.windowSeconds,
          });
          const check = await limiter.consume(principal.keyId);
          if (!check.allowed) {
            metrics.rateLimited.inc({ role: principal.role });
            const { message, extensions } = rateLimited(check.retryAfterSeconds);
            return [new GraphQLError(message, { extensions: { code: extensions.code, retryAfterSeconds: check.retryAfterSeconds } })];
          }
        }
        const cached = validDocuments.get(payload.query);
        let document = cached?.document;
        // graphql-ws keeps the subscribe message for the subscription's lifetime: hold the shared copy of the text.
        if (cached) (payload as { query: string }).query = cached.query;
        if (!document) {
          try {
            document = parse(payload.query, { maxTokens: config.graphql.maxTokens });
          } catch (error) {
            const message = (error as Error).message;
            const code = /token/i.test(message) ? 'TOO_MANY_TOKENS' : 'GRAPHQL_PARSE_FAILED';
            return [new GraphQLError(message, { extensions: { code } })];
          }
          let errors: readonly GraphQLError[];
          try {
            errors = validate(schema, document, wsRules);
          } catch (error) {
            // graphql-armor's limit rules throw their rejection instead of reporting it; thrown out of
            // onSubscribe it would close the whole connection (4500) with every other subscription on it.
            if (!(error instanceof GraphQLError)) throw error;
            errors = [error];
          }
          if (errors.length > 0) return errors.map((e) => reformatted(e));
          if (validDocuments.size >= MAX_CACHED_DOCUMENTS) validDocuments.delete(validDocuments.keys().next().value!);
          validDocuments.set(payload.query, { query: payload.query, document });
        }
        const contextValue = contextOf(ctx);
        groupedBy.set(contextValue, {
          groupKey: subscriptionGroupKey(ctx.extra.principal ?? null, payload.query, payload.operationName, payload.variables),
          member: socketMember(socketOf(ctx.extra), id),
        });
        // Parsed and validated here already: returning the arguments spares graphql-ws doing both again.
        return { schema, document, operationName: payload.operationName, variableValues: payload.variables, contextValue };
      },
      context: (ctx) => contextOf(ctx),
      subscribe: (args) => {
        const grouped = groupedBy.get(args.contextValue as HubContext);
        if (grouped) return groupedSubscriptions.subscribe(args, grouped.groupKey, grouped.member);
        // The pubsub bounds each subscription's backlog; this tells it which connection to cut when one overflows.
        return subscriberGuard.run({ onOverflow: () => (args.contextValue as HubContext).dropConnection?.() }, () => subscribe(args));
      },
      onNext: (ctx) => {
        // A dashboard that stops reading must not make the hub buffer without bound.
        const socket = socketOf(ctx.extra);
        if (socket.bufferedAmount > config.wsMaxBufferedBytes) {
          log.warn({ buffered: socket.bufferedAmount }, 'closing a WebSocket client that does not read');
          socket.terminate();
        }
      },
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => reformatted(e)),
    },
    wsServer,
  );

  const armor = new ApolloArmor({
    maxDepth: { n: config.graphql.maxDepth, ignoreIntrospection: true },
    costLimit: { maxCost: config.graphql.maxCost, ignoreIntrospection: true },
    maxAliases: { n: config.graphql.maxAliases },
    maxDirectives: { n: config.graphql.maxDirectives },
    // Counted by the parser itself (parseOptions below): armor's plugin throws from parsingDidStart,
    // which Apollo answers with a 500.
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: config.nodeEnv === 'production' },
  }).protect();

  const metricsPlugin: ApolloServerPlugin<HubContext> = {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ request, operationName, operation, errors, response, contextValue }) {
          const type = operation?.operation ?? 'unknown';
          const name = operationName ?? 'anonymous';
          if (contextValue.access) contextValue.access.operationName = name;
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          metrics.graphqlDuration.observe({ operation: name, type }, seconds);
          metrics.graphqlRequests.inc({ operation: name, type, outcome: errors?.length ? 'error' : 'ok' });
          if (request.http?.headers.has(COUNT_SQL_HEADER))
            response.http.headers.set(COUNT_SQL_HEADER, String(contextValue.queryCount.statements));
          // A missing key answers as a bad one does: 401, so clients and proxies see one kind of authentication failure.
          if (errors?.some((e) => e.extensions?.code === ErrorCode.UNAUTHENTICATED)) {
            response.http.status = 401;
            response.http.headers.set('www-authenticate', WWW_AUTHENTICATE);
          }
        },
      };
    },
  };

  const apollo = new ApolloServer<HubContext>({
    schema,
    introspection: config.graphql.introspection,
    formatError,
    plugins: [
      ...armor.plugins,
      metricsPlugin,
      // The hub sets no cache hints; the default plugin would still wrap every field resolver.
      ApolloServerPluginCacheControlDisabled(),
      // The schema is a federation subgraph; the hub reports no Apollo traces to a gateway.
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginDrainHttpServer({ httpServer: server }),
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await wsCleanup.dispose();
            },
          };
        },
      },
      // The explorer is GraphiQL from node_modules (explorer.ts), not Apollo's CDN-hosted sandbox.
      ApolloServerPluginLandingPageDisabled(),
    ],
    validationRules: armor.validationRules,
    parseOptions: { maxTokens: config.graphql.maxTokens },
    allowBatchedHttpRequests: false,
    // main.ts owns SIGTERM/SIGINT and stops the whole hub in order; Apollo's own handlers raced it
    // (both stopping Apollo), and the shutdown then waited for the forced-exit timeout.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: false,
  });
  await apollo.start();

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', instance: config.instanceId });
  });
  app.get('/readyz', async (_req, res) => {
    const database = await hub.db.ping();
    const kafka = hub.bus.kind === 'kafka' ? hub.bus.isReady() : null;
    const ready = database && kafka !== false;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', database, kafka });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  if (config.graphql.explorer) app.use(explorerRouter());
  for (const route of routes) app.use(route.path, route.router);

  /** Per key, by its role's limit; requests without a valid key per client address (ANONYMOUS). */
  const checkRequestRate = async (principal: Principal | null, clientAddress: string | undefined) => {
    const { enabled, windowSeconds, perRole } = config.rateLimit;
    if (!enabled) return;
    const role = principal?.role ?? 'ANONYMOUS';
    const limiter = rateLimits.limiter(`requests-${role.toLowerCase()}`, { points: perRole[role], durationSeconds: windowSeconds });
    const check = await limiter.consume(principal?.keyId ?? `ip:${clientAddress ?? 'unknown'}`);
    if (check.allowed) return;
    metrics.rateLimited.inc({ role });
    log.warn(
      { keyPrefix: principal?.keyPrefix, clientAddress, role, retryAfterSeconds: check.retryAfterSeconds },
      'request rate limit reached',
    );
    throw rateLimited(check.retryAfterSeconds, principal ? 'this API key' : 'this client address');
  };

  const requestContext = async (req: IncomingMessage): Promise<HubContext> => {
    const presented = bearerToken(req.headers.authorization) ?? (req.headers['x-api-key'] as string | undefined);
    const principal = await hub.apiKeys.authenticate(presented);
    await checkRequestRate(principal, req.socket.remoteAddress);
    if (presented && !principal) {
      const access = accessFieldsOf(req);
      if (access) access.keyPrefix = keyPrefixOf(presented);
      logAuthFailure(hub, presented, req.socket.remoteAddress, 'http');
      throw badCredential();
    }
    const access = accessFieldsOf(req);
    if (access && principal?.keyPrefix) access.keyPrefix = principal.keyPrefix;
    return {
      hub,
      principal,
      loaders: new Loaders(),
      queryCount: currentQueryCount() ?? { statements: 0 },
      requestId: (req as IncomingMessage & { id?: string }).id ?? (req.headers['x-request-id'] as string | undefined) ?? randomUUID(),
      access,
    };
  };
  const answerPost = async (req: IncomingMessage, res: ServerResponse) => {
    try {
      const body = await readJsonBody(req, MAX_BODY_BYTES, MAX_BODY);
      await answerGraphqlPost(apollo, req, res, body, () => requestContext(req));
    } catch (error) {
      if (error instanceof BodyError) return sendJsonError(res, error.status, error.code, error.message);
      log.error({ err: error }, 'graphql request failed outside Apollo');
      sendJsonError(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
    }
  };
  /** Counts the request's SQL statements when it asks (x-sql-statements), until its response is done. */
  const countingIfAsked = (req: IncomingMessage, res: ServerResponse, next: () => unknown) => {
    if (req.headers[COUNT_SQL_HEADER] === undefined) return void next();
    const counting = beginCountingQueries({ statements: 0 });
    res.once('close', counting.end);
    counting.run(next);
  };
  graphqlPost = (req, res) => countingIfAsked(req, res, () => answerPost(req, res).catch(() => undefined));
  app.use(
    '/graphql',
    express.json({ limit: MAX_BODY }),
    (req, res, next) => countingIfAsked(req, res, next),
    expressMiddleware(apollo, { context: ({ req }) => requestContext(req) }),
  );
  app.use((err: Error & { type?: string; status?: number }, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (res.headersSent) return next(err);
    const tooLarge = err.type === 'entity.too.large';
    res.status(err.status ?? 400).json({
      errors: [
        {
          message: tooLarge ? `Request body larger than ${MAX_BODY}` : err.message,
          extensions: { code: tooLarge ? 'DOCUMENT_TOO_LARGE' : 'BAD_REQUEST' },
        },
      ],
    });
  });

  let listeningUrl = '';
  return {
    server,
    app,
    url: () => listeningUrl,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const address = server.address() as AddressInfo;
          const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
          listeningUrl = `http://${shownHost}:${address.port}`;
          resolve(listeningUrl);
        });
      }),
    close: async () => {
      keySockets.stop();
      await apollo.stop();
      for (const client of wsServer.clients) client.terminate();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const WWW_AUTHENTICATE = 'Bearer realm="service-hub"';

/** 401 with UNAUTHENTICATED: the same answer for an unknown, malformed, revoked or expired key. */
const badCredential = () =>
  new AppError(ErrorCode.UNAUTHENTICATED, 'The API key is unknown, malformed, revoked or expired', {
    http: { status: 401, headers: new Map([['www-authenticate', WWW_AUTHENTICATE]]) },
  });

/** Warns about a refused credential: the key's public prefix only, never the key, and who presented it. */
export function logAuthFailure(hub: Hub, presented: string | null | undefined, clientAddress: string | undefined, transport: string): void {
  if (!presented) return;
  hub.log.warn(
    { keyPrefix: keyPrefixOf(presented), clientAddress, transport },
    'authentication failed: unknown, malformed, revoked or expired API key',
  );
}

/** Close code for a socket whose key was revoked or expired (graphql-ws uses 4403 for a refused key too). */
export const WS_CLOSE_KEY_INVALID = 4403;
const REVOKED_CHANNEL = 'platform.apiKeyRevoked';

/**
 * Open WebSocket connections by API key, so a revoked or expired key loses its sockets: at once on the
 * instance that revoked it, on the others through the live bridge, and (a key revoked by the CLI or on an
 * instance without the bridge) by re-verifying every socket's key once per verification cache window.
 */
let subscriptionSeq = 0;

/**
 * The context of one WebSocket subscription, kept for its lifetime by thousands of idle dashboards: the
 * loaders are made on first use (in a group only the first member's context resolves anything), and
 * nothing else is allocated per subscription.
 */
class SubscriptionContext implements HubContext {
  readonly requestId = `ws-${++subscriptionSeq}`;
  private ownLoaders: Loaders | null = null;

  constructor(
    readonly hub: Hub,
    readonly principal: HubContext['principal'],
    private readonly socket: WebSocket,
  ) {}

  get loaders(): Loaders {
    return (this.ownLoaders ??= new Loaders({ cache: false }));
  }

  /** A resolver may give an event fresh loaders of its own. */
  set loaders(loaders: Loaders) {
    this.ownLoaders = loaders;
  }

  /** Statements are counted for HTTP requests only (x-sql-statements). */
  get queryCount(): QueryCount {
    return { statements: 0 };
  }

  dropConnection(): void {
    this.hub.log.warn('closing a WebSocket client that fell too far behind its subscription');
    this.socket.terminate();
  }
}

function createKeySockets(hub: Hub) {
  const sockets = new Map<WebSocket, { keyId: string; presented: string; expiry?: NodeJS.Timeout }>();
  const close = (socket: WebSocket, reason: string) => {
    const entry = sockets.get(socket);
    if (!entry) return;
    sockets.delete(socket);
    clearTimeout(entry.expiry);
    hub.log.info({ keyId: entry.keyId, reason }, 'closing WebSocket connection: API key no longer valid');
    socket.close(WS_CLOSE_KEY_INVALID, `Forbidden: ${reason}`);
  };
  const closeKey = (keyId: string, reason: string) => {
    for (const [socket, entry] of sockets) if (entry.keyId === keyId) close(socket, reason);
  };
  hub.apiKeys.onRevoked((keyId) => hub.pubsub.publish(REVOKED_CHANNEL, { keyId }));
  const revocations = hub.pubsub.subscribe(REVOKED_CHANNEL);
  void (async () => {
    for await (const message of revocations) {
      const keyId = (message as { keyId?: unknown })?.keyId;
      if (typeof keyId !== 'string') continue;
      hub.apiKeys.forgetVerifications();
      closeKey(keyId, 'API key revoked');
    }
  })();
  const sweep = setInterval(() => {
    const byKey = new Map<string, WebSocket[]>();
    for (const [socket, entry] of sockets) byKey.set(entry.presented, [...(byKey.get(entry.presented) ?? []), socket]);
    for (const [presented, keySockets] of byKey) {
      hub.apiKeys.authenticate(presented, { fresh: true }).then(
        (principal) => {
          if (!principal) for (const socket of keySockets) close(socket, 'API key revoked or expired');
        },
        () => undefined, // database unreachable: keep the sockets, ask again next round
      );
    }
  }, KEY_CACHE_TTL_MS);
  sweep.unref();
  // setTimeout's longest delay; a later expiry is caught by the sweep once it is near.
  const MAX_TIMER_MS = 2 ** 31 - 1;
  return {
    add(socket: WebSocket, principal: Principal, presented: string) {
      const entry: { keyId: string; presented: string; expiry?: NodeJS.Timeout } = { keyId: principal.keyId, presented };
      const left = principal.expiresAt ? principal.expiresAt.getTime() - Date.now() : Infinity;
      if (left < MAX_TIMER_MS) {
        entry.expiry = setTimeout(() => close(socket, 'API key expired'), Math.max(left, 0));
        entry.expiry.unref();
      }
      sockets.set(socket, entry);
    },
    remove(socket: WebSocket) {
      clearTimeout(sockets.get(socket)?.expiry);
      sockets.delete(socket);
    },
    stop() {
      clearInterval(sweep);
      for (const entry of sockets.values()) clearTimeout(entry.expiry);
      sockets.clear();
      void revocations.return();
    },
  };
}

const ACCESS = Symbol('accessFields');
const accessFieldsOf = (req: IncomingMessage): AccessFields | undefined => (req as IncomingMessage & { [ACCESS]?: AccessFields })[ACCESS];
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const UNLOGGED_PATHS = /^\/(healthz|readyz|metrics)(\?|$)/;

/**
 * One line per HTTP request: request id (the caller's x-request-id or a new one, echoed in the
 * response), method, path, status, duration, the key's public prefix and the GraphQL operation.
 * Query strings are left out (a signed link's signature is in one). ACCESS_LOG_LEVEL sets the level.
 * Written on the response's end with one call of the hub's logger: pino-http made three child loggers
 * per request for the same line, 5-7% of the hub's CPU on a reservation.
 */
function createAccessLog(hub: Hub): ((req: IncomingMessage, res: ServerResponse) => void) | null {
  const level = hub.config.accessLogLevel as 'info';
  if ((level as string) === 'silent') return null;
  const logger = hub.log.child({ component: 'access' });
  return (req, res) => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader('x-request-id', id);
    const access: AccessFields = {};
    Object.assign(req, { id, [ACCESS]: access });
    if (!logger.isLevelEnabled(level) || UNLOGGED_PATHS.test(req.url ?? '')) return;
    const started = performance.now();
    const done = () => {
      res.removeListener('finish', done);
      res.removeListener('close', done);
      const failed = res.statusCode >= 500;
      const line = {
        reqId: id,
        req: { method: req.method, path: (req.url ?? '').split('?')[0] },
        res: { status: res.statusCode },
        responseTime: Math.round(performance.now() - started),
        ...access,
      };
      if (failed) logger.error(line, 'request failed');
      else logger[level](line, res.writableFinished ? 'request' : 'request aborted');
    };
    res.once('finish', done);
    res.once('close', done);
  };
}
