import { createHash } from 'node:crypto';
import { createSourceEventStream, execute, ExecutionArgs, ExecutionResult } from 'graphql';
import type { Principal } from '../auth/principal';

/**
 * Live updates reach thousands of dashboards that all run the same subscription.
 * Executing the selection once per subscriber and event made fan-out cost grow with
 * the audience, so one event is executed once per *group* of identical subscriptions
 * and the result (and its serialised JSON) is handed to every member of the group.
 *
 * A group is everything the result can depend on:
 * - the event itself: results are memoised on the identity of the event object the
 *   pubsub dispatched, so the same payload published on two channels, or twice,
 *   executes separately (the pubsub gives each dispatch its own object);
 * - the document, operation name and variables;
 * - who asks: the API key and the authorisation scope it was resolved to (role,
 *   scope and every visible tenant id), because resolvers scope rows and fields by
 *   the principal. Two customers never share a group, nor do staff and a customer.
 *
 * Anything else in the context (loaders, request id) is per connection but does not
 * change what a resolver returns; the execution runs on the context of whichever
 * member reached the event first.
 */
export function subscriptionGroupKey(
  principal: Principal | null,
  query: string,
  operationName: string | null | undefined,
  variables: Readonly<Record<string, unknown>> | null | undefined,
): string {
  const who = principal
    ? JSON.stringify([principal.keyId, principal.role, principal.scopeId, [...principal.visibleScopeIds].sort()])
    : 'anonymous';
  const what = JSON.stringify([query, operationName ?? null, variables ?? null]);
  return createHash('sha256').update(who).update('\n').update(what).digest('base64');
}

export interface GroupedExecution {
  /**
   * graphql's `subscribe`, except that each event is executed once per group key
   * (see `subscriptionGroupKey`) instead of once per subscriber.
   */
  subscribe(args: ExecutionArgs, groupKey: string): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult>;
  /** The JSON of a result this module produced, serialised once for the whole group. */
  serialised(result: ExecutionResult): string | undefined;
  /** For tests: how many times an event was actually executed. */
  readonly executions: number;
}

export function createGroupedExecution(): GroupedExecution {
  // Keyed weakly on the dispatched event: an entry lives as long as some subscriber still has the event queued.
  const resultsByEvent = new WeakMap<object, Map<string, Promise<ExecutionResult> | ExecutionResult>>();
  const serialisedResults = new WeakMap<ExecutionResult, string>();
  let executions = 0;

  const executeEvent = (args: ExecutionArgs, event: unknown): Promise<ExecutionResult> | ExecutionResult => {
    executions++;
    const result = execute({ ...args, rootValue: event });
    return result instanceof Promise ? result.then(remember) : remember(result);
  };
  const remember = (result: ExecutionResult): ExecutionResult => {
    // Errors are serialised by the transport's formatter per connection; only clean results are shared as JSON.
    if (!result.errors) serialisedResults.set(result, JSON.stringify(result));
    return result;
  };

  const executeOncePerGroup = (args: ExecutionArgs, groupKey: string, event: unknown) => {
    if (typeof event !== 'object' || event === null) return executeEvent(args, event);
    let byGroup = resultsByEvent.get(event);
    if (!byGroup) resultsByEvent.set(event, (byGroup = new Map()));
    let result = byGroup.get(groupKey);
    if (!result) byGroup.set(groupKey, (result = executeEvent(args, event)));
    return result;
  };

  return {
    async subscribe(args, groupKey) {
      const events = await createSourceEventStream(args);
      if (!isAsyncIterable(events)) return events;
      return mapEvents(events, (event) => executeOncePerGroup(args, groupKey, event));
    },
    serialised: (result) => serialisedResults.get(result),
    get executions() {
      return executions;
    },
  };
}

/** Like graphql's own mapping of a source stream, minus its per-event closure and promise wrapping. */
function mapEvents<T, R>(source: AsyncIterable<T>, map: (event: T) => Promise<R> | R): AsyncIterableIterator<R> {
  const iterator = source[Symbol.asyncIterator]();
  const done = (): Promise<IteratorResult<R>> => Promise.resolve({ value: undefined, done: true });
  return {
    async next() {
      const event = await iterator.next();
      if (event.done) return event;
      try {
        return { value: await map(event.value), done: false };
      } catch (error) {
        // The consumer sees the error from next() and will not call return(): end the source here, or its listener stays.
        await iterator.return?.();
        throw error;
      }
    },
    return: () => (iterator.return ? iterator.return().then(done) : done()),
    throw: (error: unknown) => (iterator.throw ? iterator.throw(error).then(done) : Promise.reject(error)),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
