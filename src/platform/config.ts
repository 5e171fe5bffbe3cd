import { z } from 'zod';

const port = z.coerce
  .number({ message: 'must be a number' })
  .int('must be a whole number')
  .min(0, 'must be between 0 and 65535')
  .max(65535, 'must be between 0 and 65535');

const databaseUrl = z
  .string()
  .refine(
    (v) => /^(sqlite:|mysql:\/\/|mariadb:\/\/)/.test(v),
    'must start with sqlite: (embedded file, e.g. sqlite:./data/hub.sqlite) or mysql:// (mysql://user:pass@host:3306/db)',
  )
  .refine((v) => {
    if (v.startsWith('sqlite:')) return v.length > 'sqlite:'.length;
    try {
      const url = new URL(v);
      return url.hostname.length > 0 && url.pathname.length > 1;
    } catch {
      return false;
    }
  }, 'is not a valid URL: expected mysql://user:pass@host:port/database or sqlite:<path>');

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const positiveInt = z.coerce.number().int().positive();

const isoDuration = z
  .string()
  .regex(
    /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/,
    'must be an ISO-8601 duration such as P30D or PT1H',
  );

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port.default(4000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: databaseUrl.default('sqlite:./data/hub.sqlite'),
  DATABASE_POOL_SIZE: positiveInt.default(10),
  MIGRATIONS_RUN: bool.default(true),
  SEED_DEMO: bool.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ACCESS_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  KAFKA_BROKERS: z
    .string()
    .optional()
    .transform((v) =>
      v
        ? v
            .split(',')
            .map((b) => b.trim())
            .filter(Boolean)
        : [],
    ),
  KAFKA_CLIENT_ID: z.string().default('service-hub'),
  KAFKA_GROUP_ID: z.string().default('service-hub'),
  KAFKA_IDEMPOTENT_PRODUCER: bool.default(false),
  KAFKA_CREATE_TOPICS: bool.default(false),
  KAFKA_SESSION_TIMEOUT_MS: positiveInt.default(30000),
  KAFKA_HEARTBEAT_MS: positiveInt.default(3000),
  KAFKA_MAX_WAIT_MS: positiveInt.default(500),
  TOPIC_RMA_INBOUND: z.string().default('rma.inbound'),
  TOPIC_HUB_EVENTS: z.string().default('hub.events'),
  TOPIC_DEAD_LETTER: z.string().default('hub.deadletter'),
  TOPIC_LIVE: z.string().default('hub.live'),
  INSTANCE_ID: z.string().optional(),
  GRAPHQL_INTROSPECTION: bool.optional(),
  GRAPHQL_EXPLORER: bool.optional(),
  GRAPHQL_MAX_DEPTH: positiveInt.default(10),
  GRAPHQL_MAX_COST: positiveInt.default(5000),
  GRAPHQL_MAX_ALIASES: positiveInt.default(15),
  GRAPHQL_MAX_DIRECTIVES: positiveInt.default(50),
  GRAPHQL_MAX_TOKENS: positiveInt.default(2000),
  GRAPHQL_MAX_PAGE_SIZE: positiveInt.default(200),
  SCHEDULER_ENABLED: bool.default(true),
  SCHEDULER_POLL_MS: positiveInt.default(250),
  OUTBOX_POLL_MS: positiveInt.default(200),
  SHUTDOWN_TIMEOUT_MS: positiveInt.default(10000),
  WS_MAX_BUFFERED_BYTES: positiveInt.default(1024 * 1024),
  RATE_LIMIT_ENABLED: bool.optional(),
  RATE_LIMIT_WINDOW_SECONDS: positiveInt.default(60),
  RATE_LIMITS: z
    .string()
    .regex(/^\s*([A-Z]+\s*=\s*\d+\s*)(,\s*[A-Z]+\s*=\s*\d+\s*)*$/, 'must look like ADMIN=1200,CUSTOMER=300 (requests per window, per key)')
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL, e.g. redis://127.0.0.1:6379')
    .optional(),
  LINK_SIGNING_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  LINK_TTL_SECONDS: positiveInt.max(86400).default(300),
  RMA_VALIDITY: isoDuration.default('P30D'),
  RMA_HOLD_TIMEOUT: isoDuration.default('PT1H'),
  RMA_LOANER_THRESHOLD_WORKING_DAYS: z.coerce.number().int().min(0).max(60).default(5),
  RMA_INBOUND_BATCH_SIZE: z.coerce.number().int().min(1).max(500).default(200),
  RMA_LOANER_RETURN_WITHIN: isoDuration.default('P7D'),
  CONNECTOR_SECRET_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  ALERT_RATE_LIMIT_PER_MINUTE: positiveInt.default(600),
  ALERT_REPEAT_TIMELINE_EVERY: isoDuration.default('PT5M'),
  WEBHOOK_ALLOW_TARGET_RANGES: z
    .string()
    .optional()
    .transform((v) =>
      v
        ? v
            .split(',')
            .map((r) => r.trim())
            .filter(Boolean)
        : [],
    ),
  WEBHOOK_WORKER_ENABLED: bool.default(true),
  WEBHOOK_DISABLE_AFTER: isoDuration.default('P3D'),
  WEBHOOK_SECRET_OVERLAP: isoDuration.default('PT24H'),
  WEBHOOK_TIMEOUT_MS: positiveInt.default(10000),
  WEBHOOK_RETRY_BASE_MS: positiveInt.default(1000),
  WEBHOOK_RETRY_MAX_MS: positiveInt.default(3_600_000),
  WEBHOOK_POLL_MS: positiveInt.default(250),
  ITSM_SYNC_ENABLED: bool.default(true),
  ITSM_POLL_MS: positiveInt.default(5000),
  ITSM_TIMEOUT_MS: positiveInt.default(10000),
  ITSM_RETRY_BASE_MS: positiveInt.default(1000),
  ITSM_RETRY_MAX_MS: positiveInt.default(300_000),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/\S+$/, 'must be an smtp:// or smtps:// URL, e.g. smtp://user:pass@mail.example:587')
    .optional(),
  NOTIFY_FROM: z.string().min(3).default('Service hub <service-hub@localhost>'),
  NOTIFY_SENDER_ENABLED: bool.default(true),
  NOTIFY_POLL_MS: positiveInt.default(500),
  NOTIFY_RETRY_BASE_MS: positiveInt.default(5000),
  NOTIFY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  NOTIFY_SEND_TIMEOUT_MS: positiveInt.default(10000),
});

export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  host: string;
  database: { url: string; dialect: 'sqlite' | 'mysql'; poolSize: number; runMigrations: boolean };
  seedDemo: boolean;
  logLevel: string;
  /** The level each request's access-log line is written at ('silent': none); below LOG_LEVEL it is not shown. */
  accessLogLevel: string;
  instanceId: string;
  kafka: {
    brokers: string[];
    clientId: string;
    groupId: string;
    idempotentProducer: boolean;
    createTopics: boolean;
    sessionTimeoutMs: number;
    heartbeatMs: number;
    maxWaitMs: number;
    topics: { rmaInbound: string; hubEvents: string; deadLetter: string; live: string };
  };
  graphql: {
    introspection: boolean;
    /** GraphiQL at GET /graphql (browser); needs introspection to show the schema. */
    explorer: boolean;
    maxDepth: number;
    maxCost: number;
    maxAliases: number;
    maxDirectives: number;
    maxTokens: number;
    maxPageSize: number;
  };
  scheduler: { enabled: boolean; pollMs: number };
  outboxPollMs: number;
  shutdownTimeoutMs: number;
  wsMaxBufferedBytes: number;
  /**
   * Requests per window for each key, by role (ANONYMOUS: per client address, requests without a valid key).
   * Counted in Redis when redisUrl is set (shared by every instance), otherwise in each instance's memory.
   */
  rateLimit: { enabled: boolean; windowSeconds: number; perRole: Record<string, number>; redisUrl: string | null };
  /** Signed links for pages opened in a browser (reports); the secret is shared by every instance. */
  links: { signingSecret: string | null; ttlSeconds: number };
  /** RMA defaults; the loaner threshold can be set per RMA, the validity per approval. */
  rma: { validity: string; holdTimeout: string; loanerThresholdWorkingDays: number; loanerReturnWithin: string; inboundBatchSize: number };
  /** Inbound alert connectors and outbound webhooks (src/modules/connectors). */
  connectors: {
    /** Encrypts connector and webhook secrets at rest; null in development means a derived dev key (with a warning). */
    secretKey: string | null;
    alertRateLimitPerMinute: number;
    alertRepeatTimelineEvery: string;
    webhooks: {
      /** Address ranges (ipaddr.js names: loopback, private, linkLocal, uniqueLocal, ...) webhook URLs may resolve to; none by default. */
      allowedTargetRanges: string[];
      workerEnabled: boolean;
      disableAfter: string;
      secretOverlap: string;
      timeoutMs: number;
      retryBaseMs: number;
      retryMaxMs: number;
      pollMs: number;
    };
    /** Two-way ticket sync with customers' ITSMs; outbound URLs obey webhooks.allowedTargetRanges too. */
    itsm: { syncEnabled: boolean; pollMs: number; timeoutMs: number; retryBaseMs: number; retryMaxMs: number };
  };
  /** E-mail and IM notifications; no SMTP URL: e-mails are recorded as not sent. */
  notifications: {
    smtpUrl: string | null;
    from: string;
    senderEnabled: boolean;
    pollMs: number;
    retryBaseMs: number;
    maxAttempts: number;
    sendTimeoutMs: number;
  };
}

/** Requests per window (default 60 s) per key: staff and integrations get more than a tenant's users. */
export const DEFAULT_RATE_LIMITS: Record<string, number> = {
  ADMIN: 3000,
  OPERATOR: 3000,
  PARTNER: 1200,
  WAREHOUSE: 1200,
  CUSTOMER: 600,
  ANONYMOUS: 120,
};

function parseRateLimits(value: string | undefined): Record<string, number> {
  if (!value) return {};
  const out: Record<string, number> = {};
  for (const pair of value.split(',')) {
    const [role, count] = pair.split('=').map((s) => s.trim());
    if (!(role in DEFAULT_RATE_LIMITS))
      throw new ConfigError(`Invalid configuration: RATE_LIMITS names ${role}; roles are ${Object.keys(DEFAULT_RATE_LIMITS).join(', ')}`);
    if (Number(count) < 1) throw new ConfigError(`Invalid configuration: RATE_LIMITS ${role} must be at least 1`);
    out[role] = Number(count);
  }
  return out;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment once; any bad value is reported in one line naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ');
    throw new ConfigError(`Invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  const dialect: 'sqlite' | 'mysql' = e.DATABASE_URL.startsWith('sqlite:') ? 'sqlite' : 'mysql';
  return Object.freeze({
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    database: { url: e.DATABASE_URL, dialect, poolSize: e.DATABASE_POOL_SIZE, runMigrations: e.MIGRATIONS_RUN },
    seedDemo: e.SEED_DEMO ?? (dialect === 'sqlite' && e.NODE_ENV !== 'test'),
    logLevel: e.LOG_LEVEL,
    accessLogLevel: e.ACCESS_LOG_LEVEL,
    instanceId: e.INSTANCE_ID ?? `hub-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
    kafka: {
      brokers: e.KAFKA_BROKERS,
      clientId: e.KAFKA_CLIENT_ID,
      groupId: e.KAFKA_GROUP_ID,
      idempotentProducer: e.KAFKA_IDEMPOTENT_PRODUCER,
      createTopics: e.KAFKA_CREATE_TOPICS,
      sessionTimeoutMs: e.KAFKA_SESSION_TIMEOUT_MS,
      heartbeatMs: e.KAFKA_HEARTBEAT_MS,
      maxWaitMs: e.KAFKA_MAX_WAIT_MS,
      topics: {
        rmaInbound: e.TOPIC_RMA_INBOUND,
        hubEvents: e.TOPIC_HUB_EVENTS,
        deadLetter: e.TOPIC_DEAD_LETTER,
        live: e.TOPIC_LIVE,
      },
    },
    graphql: {
      introspection: e.GRAPHQL_INTROSPECTION ?? e.NODE_ENV !== 'production',
      explorer: e.GRAPHQL_EXPLORER ?? e.NODE_ENV !== 'production',
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      maxCost: e.GRAPHQL_MAX_COST,
      maxAliases: e.GRAPHQL_MAX_ALIASES,
      maxDirectives: e.GRAPHQL_MAX_DIRECTIVES,
      maxTokens: e.GRAPHQL_MAX_TOKENS,
      maxPageSize: e.GRAPHQL_MAX_PAGE_SIZE,
    },
    scheduler: { enabled: e.SCHEDULER_ENABLED, pollMs: e.SCHEDULER_POLL_MS },
    outboxPollMs: e.OUTBOX_POLL_MS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    wsMaxBufferedBytes: e.WS_MAX_BUFFERED_BYTES,
    rateLimit: {
      enabled: e.RATE_LIMIT_ENABLED ?? e.NODE_ENV !== 'test',
      windowSeconds: e.RATE_LIMIT_WINDOW_SECONDS,
      perRole: { ...DEFAULT_RATE_LIMITS, ...parseRateLimits(e.RATE_LIMITS) },
      redisUrl: e.REDIS_URL ?? null,
    },
    links: { signingSecret: e.LINK_SIGNING_SECRET ?? null, ttlSeconds: e.LINK_TTL_SECONDS },
    rma: {
      validity: e.RMA_VALIDITY,
      holdTimeout: e.RMA_HOLD_TIMEOUT,
      loanerThresholdWorkingDays: e.RMA_LOANER_THRESHOLD_WORKING_DAYS,
      inboundBatchSize: e.RMA_INBOUND_BATCH_SIZE,
      loanerReturnWithin: e.RMA_LOANER_RETURN_WITHIN,
    },
    connectors: {
      secretKey: e.CONNECTOR_SECRET_KEY ?? null,
      alertRateLimitPerMinute: e.ALERT_RATE_LIMIT_PER_MINUTE,
      alertRepeatTimelineEvery: e.ALERT_REPEAT_TIMELINE_EVERY,
      webhooks: {
        allowedTargetRanges: e.WEBHOOK_ALLOW_TARGET_RANGES,
        workerEnabled: e.WEBHOOK_WORKER_ENABLED,
        disableAfter: e.WEBHOOK_DISABLE_AFTER,
        secretOverlap: e.WEBHOOK_SECRET_OVERLAP,
        timeoutMs: e.WEBHOOK_TIMEOUT_MS,
        retryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
        retryMaxMs: e.WEBHOOK_RETRY_MAX_MS,
        pollMs: e.WEBHOOK_POLL_MS,
      },
      itsm: {
        syncEnabled: e.ITSM_SYNC_ENABLED,
        pollMs: e.ITSM_POLL_MS,
        timeoutMs: e.ITSM_TIMEOUT_MS,
        retryBaseMs: e.ITSM_RETRY_BASE_MS,
        retryMaxMs: e.ITSM_RETRY_MAX_MS,
      },
    },
    notifications: {
      smtpUrl: e.SMTP_URL ?? null,
      from: e.NOTIFY_FROM,
      senderEnabled: e.NOTIFY_SENDER_ENABLED,
      pollMs: e.NOTIFY_POLL_MS,
      retryBaseMs: e.NOTIFY_RETRY_BASE_MS,
      maxAttempts: e.NOTIFY_MAX_ATTEMPTS,
      sendTimeoutMs: e.NOTIFY_SEND_TIMEOUT_MS,
    },
  });
}
