import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, ApolloServerPlugin } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import express, { Express } from 'express';
import { DocumentNode, GraphQLError, GraphQLSchema, parse, specifiedRules, subscribe, validate, ValidationRule } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocket, WebSocketServer } from 'ws';
import { bearerToken } from '../auth/api-key.service';
import { beginCountingQueries, COUNT_SQL_HEADER, currentQueryCount } from '../db/query-counter';
import { unauthenticated } from '../errors';
import { HubContext, Loaders } from '../graphql/context';
import { createErrorFormatter } from '../graphql/errors';
import { answerGraphqlPost, BodyError, isPlainGraphqlPost, readJsonBody, sendJsonError } from './graphql-post';
import { createGroupedSubscriptions, GroupMember, subscriptionGroupKey } from '../graphql/grouped-subscriptions';
import { MAX_BACKLOG, subscriberGuard } from '../pubsub';
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
  const server = createServer((req, res) => {
    if (graphqlPost && isPlainGraphqlPost(req, '/graphql')) graphqlPost(req, res);
    else app(req, res);
  });
  const formatError = createErrorFormatter(log);

  const wsServer = new WebSocketServer({ server, path: '/graphql', maxPayload: 256 * 1024 });
  const wsRules = [...specifiedRules, ...limitRules(hub)];
  const groupedSubscriptions = createGroupedSubscriptions();
  // Set when a subscription is accepted; the document object is the subscription's own (parsed per subscribe).
  const groupedBy = new WeakMap<DocumentNode, { groupKey: string; member: GroupMember }>();
  const socketOf = (extra: unknown) => (extra as { socket: WebSocket }).socket;

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
  const wsCleanup = useServer<Record<string, unknown>, { principal?: HubContext['principal'] }>(
    {
      schema,
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const presented =
          (params.apiKey as string | undefined) ?? bearerToken(params.authorization as string | undefined) ?? null;
        const principal = await hub.apiKeys.authenticate(presented);
        if (!principal) return false; // closes 4403 Forbidden
        ctx.extra.principal = principal;
        metrics.wsConnections.inc();
        return true;
      },
      onClose: (ctx) => {
        if (ctx.extra.principal) metrics.wsConnections.dec();
      },
      onSubscribe: (ctx, id, payload) => {
        let document;
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
        if (errors.length > 0) return errors.map((e) => new GraphQLError(e.message, { ...e, extensions: formatError(e, e).extensions }));
        groupedBy.set(document, {
          groupKey: subscriptionGroupKey(ctx.extra.principal ?? null, payload.query, payload.operationName, payload.variables),
          member: socketMember(socketOf(ctx.extra), id),
        });
        // Parsed and validated here already: returning the arguments spares graphql-ws doing both again.
        return { schema, document, operationName: payload.operationName, variableValues: payload.variables };
      },
      context: (ctx): HubContext => ({
        hub,
        principal: ctx.extra.principal ?? null,
        loaders: new Loaders({ cache: false }),
        queryCount: { statements: 0 },
        requestId: randomUUID(),
        dropConnection: () => {
          log.warn('closing a WebSocket client that fell too far behind its subscription');
          socketOf(ctx.extra).terminate();
        },
      }),
      subscribe: (args) => {
        const grouped = groupedBy.get(args.document);
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
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => new GraphQLError(e.message, { ...e, extensions: formatError(e, e).extensions })),
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
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          metrics.graphqlDuration.observe({ operation: name, type }, seconds);
          metrics.graphqlRequests.inc({ operation: name, type, outcome: errors?.length ? 'error' : 'ok' });
          if (request.http?.headers.has(COUNT_SQL_HEADER)) response.http.headers.set(COUNT_SQL_HEADER, String(contextValue.queryCount.statements));
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
      ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false }),
    ],
    validationRules: armor.validationRules,
    parseOptions: { maxTokens: config.graphql.maxTokens },
    allowBatchedHttpRequests: false,
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

  for (const route of routes) app.use(route.path, route.router);

  const requestContext = async (req: IncomingMessage): Promise<HubContext> => {
    const presented = bearerToken(req.headers.authorization) ?? (req.headers['x-api-key'] as string | undefined);
    const principal = await hub.apiKeys.authenticate(presented);
    if (presented && !principal) throw unauthenticated('The API key is unknown or revoked');
    return {
      hub,
      principal,
      loaders: new Loaders(),
      queryCount: currentQueryCount() ?? { statements: 0 },
      requestId: (req.headers['x-request-id'] as string | undefined) ?? randomUUID(),
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
      await apollo.stop();
      for (const client of wsServer.clients) client.terminate();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
