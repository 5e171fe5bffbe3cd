import DataLoader from 'dataloader';
import type { Principal } from '../auth/principal';
import type { Hub } from '../hub';
import type { QueryCount } from '../db/query-counter';

/**
 * Per-request loaders. Created with the request's context, never shared: a
 * loader's cache must not carry one tenant's rows into another's request.
 */
export class Loaders {
  // Made on first use: most WebSocket subscriptions of a group never resolve anything themselves.
  private loaders: Map<string, DataLoader<unknown, unknown>> | null = null;

  /**
   * `cache: false` for subscriptions: one context serves every event of a
   * subscription, and a memoised row would show the first event's state forever.
   * Batching within one event still applies.
   */
  constructor(private readonly options: { cache: boolean } = { cache: true }) {}

  get<K, V>(name: string, batch: (keys: readonly K[]) => Promise<Array<V | Error>>): DataLoader<K, V> {
    const loaders = (this.loaders ??= new Map());
    let loader = loaders.get(name) as DataLoader<K, V> | undefined;
    if (!loader) {
      loader = new DataLoader<K, V>(batch, { maxBatchSize: 1000, cache: this.options.cache });
      loaders.set(name, loader as DataLoader<unknown, unknown>);
    }
    return loader;
  }
}

export interface AccessFields {
  keyPrefix?: string;
  operationName?: string;
}

export interface HubContext {
  hub: Hub;
  principal: Principal | null;
  loaders: Loaders;
  queryCount: QueryCount;
  requestId: string;
  /** What the access-log line of an HTTP request adds (key prefix, operation name), filled in as they are known. */
  access?: AccessFields;
  /** Set for WebSocket subscribers: cuts the connection (a subscriber that stopped reading). */
  dropConnection?: () => void;
}

/** Resolver helper: the authenticated principal (every root field is @Authorized, so it is set). */
export function principalOf(ctx: HubContext): Principal {
  if (!ctx.principal) throw new Error('principalOf called on an unauthenticated context');
  return ctx.principal;
}
