import { z } from 'zod';

const port = z.coerce
  .number({ message: 'must be a number' })
  .int('must be a whole number')
  .min(0, 'must be between 0 and 65535')
  .max(65535, 'must be between 0 and 65535');

const databaseUrl = z.string().refine(
  (v) => /^(sqlite:|mysql:\/\/|mariadb:\/\/)/.test(v),
  'must start with sqlite: (embedded file, e.g. sqlite:./data/hub.sqlite) or mysql:// (mysql://user:pass@host:3306/db)',
).refine((v) => {
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
  .regex(/^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/, 'must be an ISO-8601 duration such as P30D or PT1H');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port.default(4000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: databaseUrl.default('sqlite:./data/hub.sqlite'),
  DATABASE_POOL_SIZE: positiveInt.default(10),
  MIGRATIONS_RUN: bool.default(true),
  SEED_DEMO: bool.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  KAFKA_BROKERS: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',').map((b) => b.trim()).filter(Boolean) : [])),
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
  RMA_VALIDITY: isoDuration.default('P30D'),
  RMA_HOLD_TIMEOUT: isoDuration.default('PT1H'),
  RMA_LOANER_THRESHOLD_WORKING_DAYS: z.coerce.number().int().min(0).max(60).default(5),
  RMA_INBOUND_BATCH_SIZE: z.coerce.number().int().min(1).max(500).default(200),
  RMA_LOANER_RETURN_WITHIN: isoDuration.default('P7D'),
  SMTP_URL: z.string().regex(/^smtps?:\/\/\S+$/, 'must be an smtp:// or smtps:// URL, e.g. smtp://user:pass@mail.example:587').optional(),
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
  /** RMA defaults; the loaner threshold can be set per RMA, the validity per approval. */
  rma: { validity: string; holdTimeout: string; loanerThresholdWorkingDays: number; loanerReturnWithin: string; inboundBatchSize: number };
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
    rma: {
      validity: e.RMA_VALIDITY,
      holdTimeout: e.RMA_HOLD_TIMEOUT,
      loanerThresholdWorkingDays: e.RMA_LOANER_THRESHOLD_WORKING_DAYS,
      inboundBatchSize: e.RMA_INBOUND_BATCH_SIZE,
      loanerReturnWithin: e.RMA_LOANER_RETURN_WITHIN,
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
