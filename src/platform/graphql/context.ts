import DataLoader from 'dataloader';
import type { Principal } from '../auth/principal';
import type { Hub } from '../hub';
import type { QueryCount } from '../db/query-counter';

/**
 * A DataLoader that also remembers the values it has loaded, so that a field
 * resolver can answer a known key without a promise (`loadNow`). graphql-js
 * completes a field that returns a value in the same pass; a promise costs it
 * a continuation per field and a Promise.all per row. A page prefetched by
 * `prefetchNodeFields` therefore resolves its nested fields synchronously.
 * Errors are not remembered: they come back through `load`, as before.
 */
export class HubLoader<K, V> extends DataLoader<K, V> {
  private constructor(
    batch: DataLoader.BatchLoadFn<K, V>,
    options: DataLoader.Options<K, V>,
    private readonly settled: Map<K, V> | null,
  ) {
    super(batch, options);
  }

  static create<K, V>(batch: (keys: readonly K[]) => Promise<Array<V | Error>>, cache: boolean): HubLoader<K, V> {
    // Without a cache (subscriptions) nothing is remembered: each event must read fresh rows.
    const settled = cache ? new Map<K, V>() : null;
    const remembering = settled
      ? async (keys: readonly K[]) => {
          const values = await batch(keys);
          for (let i = 0; i < keys.length; i++) {
            const value = values[i];
            if (!(value instanceof Error)) settled.set(keys[i], value);
          }
          return values;
        }
      : batch;
    return new HubLoader(remembering, { maxBatchSize: 1000, cache }, settled);
  }

  /** The value if this request has loaded it already, else a promise of it (as `load`). */
  loadNow(key: K): V | Promise<V> {
    const settled = this.settled;
    if (settled !== null && settled.has(key)) return settled.get(key) as V;
    return this.load(key);
  }

  override clear(key: K): this {
    this.settled?.delete(key);
    return super.clear(key);
  }

  override clearAll(): this {
    this.settled?.clear();
    return super.clearAll();
  }
}

/**
 * Per-request loaders. Created with the request's context, never shared: a
 * loader's cache must not carry one tenant's rows into another's request.
 */
export class Loaders {
  // Made on first use: most WebSocket subscriptions of a group never resolve anything themselves.
  private loaders: Map<string, HubLoader<unknown, unknown>> | null = null;

  /**
   * `cache: false` for subscriptions: one context serves every event of a
   * subscription, and a memoised row would show the first event's state forever.
   * Batching within one event still applies.
   */
  constructor(private readonly options: { cache: boolean } = { cache: true }) {}

  get<K, V>(name: string, batch: (keys: readonly K[]) => Promise<Array<V | Error>>): HubLoader<K, V> {
    const loaders = (this.loaders ??= new Map());
    let loader = loaders.get(name) as HubLoader<K, V> | undefined;
    if (!loader) {
      loader = HubLoader.create<K, V>(batch, this.options.cache);
      loaders.set(name, loader as HubLoader<unknown, unknown>);
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
