import { Redis } from 'ioredis';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Hub } from './hub';
import { AppError, ErrorCode } from './errors';

/** `points` units (requests, calls) per `durationSeconds`, per key. */
export interface RateLimit {
  points: number;
  durationSeconds: number;
}

export type RateCheck = { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number };

/** One named limit, counted per key (an API key id, a connector id, a client address). */
export interface KeyedLimiter {
  readonly limit: RateLimit;
  consume(key: string, points?: number): Promise<RateCheck>;
}

/**
 * Rate limiters built on rate-limiter-flexible, for any part of the hub (per API key here, per connector
 * elsewhere). With REDIS_URL the counts live in Redis and every instance shares them; otherwise each
 * instance counts in its own memory. When Redis is unreachable, counting falls back to memory rather
 * than refusing or waving everything through.
 */
export class RateLimits {
  private redis: Redis | null = null;
  private readonly limiters = new Map<string, KeyedLimiter>();

  constructor(private readonly hub: Hub) {
    hub.onStop(() => this.close());
  }

  /** 'redis' (shared by every instance) or 'memory' (per instance). */
  get store(): 'redis' | 'memory' {
    return this.hub.config.rateLimit.redisUrl ? 'redis' : 'memory';
  }

  /** The limiter for `name` (a key prefix in the store); the same name returns the same limiter. */
  limiter(name: string, limit: RateLimit): KeyedLimiter {
    const id = `${name}:${limit.points}/${limit.durationSeconds}`;
    let limiter = this.limiters.get(id);
    if (!limiter) {
      limiter = keyedLimiter(this.build(`hub-rl:${name}`, limit), limit);
      this.limiters.set(id, limiter);
    }
    return limiter;
  }

  private build(keyPrefix: string, limit: RateLimit): RateLimiterAbstract {
    const options = { keyPrefix, points: limit.points, duration: limit.durationSeconds };
    const url = this.hub.config.rateLimit.redisUrl;
    if (!url) return new RateLimiterMemory(options);
    if (!this.redis) {
      this.redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
      this.redis.on('error', (error) =>
        this.hub.log.warn({ err: error }, 'rate-limit store (Redis) unreachable; counting in memory meanwhile'),
      );
    }
    return new RateLimiterRedis({ ...options, storeClient: this.redis, insuranceLimiter: new RateLimiterMemory(options) });
  }

  /** Waits (bounded) until the shared store answers, so the first requests are not counted per instance. */
  async connect(timeoutMs = 3000): Promise<void> {
    if (this.store !== 'redis') return;
    this.limiter('startup', { points: 1, durationSeconds: 1 });
    const redis = this.redis!;
    if (redis.status === 'ready') return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.hub.log.warn('rate-limit store (Redis) not ready at start; counting in memory until it is');
        resolve();
      }, timeoutMs);
      timer.unref();
      redis.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    const redis = this.redis;
    this.redis = null;
    if (redis) await redis.quit().catch(() => redis.disconnect());
  }
}

/** Wraps a rate-limiter-flexible limiter: a refusal is an answer, not an exception. */
export function keyedLimiter(limiter: RateLimiterAbstract, limit: RateLimit): KeyedLimiter {
  return {
    limit,
    async consume(key, points = 1) {
      try {
        const res = await limiter.consume(key, points);
        return { allowed: true, remaining: res.remainingPoints };
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes)
          return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
        throw rejection;
      }
    },
  };
}

/** 429 with RATE_LIMITED and Retry-After, for GraphQL (extensions.http) and plain routes alike. */
export function rateLimited(retryAfterSeconds: number, what = 'this API key'): AppError {
  return new AppError(ErrorCode.RATE_LIMITED, `Too many requests for ${what}; retry after ${retryAfterSeconds} s`, {
    retryAfterSeconds,
    http: { status: 429, headers: new Map([['retry-after', String(retryAfterSeconds)]]) },
  });
}
