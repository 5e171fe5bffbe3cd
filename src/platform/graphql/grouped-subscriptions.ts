import { createHash } from 'node:crypto';
import { createSourceEventStream, execute, ExecutionArgs, ExecutionResult } from 'graphql';
import type { Principal } from '../auth/principal';
import { subscriberGuard } from '../pubsub';

/**
 * Live updates reach thousands of dashboards that all run the same subscription.
 * Subscribing, filtering, executing and serialising once per subscriber made the cost
 * of every event grow with the audience, so identical subscriptions form a *group*:
 * the group has one source stream (one pubsub subscription, one filter), executes each
 * event once, serialises the result once and hands the JSON to every member's
 * transport, which only frames and sends it.
 *
 * A group is everything the result can depend on:
 * - the document, operation name and variables;
 * - who asks: the API key and the authorisation scope it was resolved to (role,
 *   scope and every visible tenant id), because topics, filters and resolvers scope
 *   rows by the principal. Two customers never share a group, nor do staff and a customer;
 * - the event: each event of the group's stream is executed once, when it arrives.
 *
 * Anything else in the context (loaders, request id) is per connection but does not
 * change what a resolver returns; the group runs on the context of its first member.
 *
 * Nothing is queued per member here: the transport sends each result at once and bounds
 * what a member may leave unsent (it cuts off a client that stops reading).
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

/** Where a group delivers one subscriber's results. */
export interface GroupMember {
  /**
   * Sends one result, serialised once for the whole group, to this subscriber. Called
   * synchronously for every member in turn: it must not throw, and should not block.
   */
  deliver(resultJson: string): void;
}

export interface GroupedSubscriptions {
  /**
   * graphql's `subscribe`, except that the source stream and the execution and
   * serialisation of each event are shared with every other subscription of the same
   * group key, and results go to `member.deliver` instead of through the returned
   * iterator. The iterator yields nothing: it ends when the subscription does (or fails
   * with the error that ended it), and `return()` leaves the group.
   */
  subscribe(args: ExecutionArgs, groupKey: string, member: GroupMember): Promise<AsyncIterableIterator<never> | ExecutionResult>;
  /** Groups with at least one member (for tests and metrics). */
  readonly groupCount: number;
}

export function createGroupedSubscriptions(): GroupedSubscriptions {
  const groups = new Map<string, SubscriptionGroup>();
  return {
    async subscribe(args, groupKey, member) {
      let group = groups.get(groupKey);
      if (!group) {
        group = new SubscriptionGroup(args, () => {
          if (groups.get(groupKey) === group) groups.delete(groupKey);
        });
        groups.set(groupKey, group);
      }
      const refusal = await group.started;
      if (refusal) return refusal;
      return group.join(member);
    },
    get groupCount() {
      return groups.size;
    },
  };
}

class SubscriptionGroup {
  /** Resolves to null once the source stream runs, or to the result that refused the subscription. */
  readonly started: Promise<ExecutionResult | null>;
  private readonly memberships = new Set<Membership>();
  private events: AsyncIterator<unknown> | null = null;
  private closed = false;

  constructor(
    private readonly args: ExecutionArgs,
    private readonly forget: () => void,
  ) {
    this.started = this.start();
  }

  join(member: GroupMember): AsyncIterableIterator<never> {
    const membership = new Membership(member, () => this.leave(membership));
    if (this.closed) membership.end();
    else this.memberships.add(membership);
    return membership;
  }

  private async start(): Promise<ExecutionResult | null> {
    let stream: Awaited<ReturnType<typeof createSourceEventStream>>;
    try {
      // The group reads its source as fast as it executes; should it still fall the pubsub's backlog
      // behind, every member is that far behind: cut them all off.
      stream = await subscriberGuard.run({ onOverflow: () => this.overflowAll() }, () => createSourceEventStream(this.args));
    } catch (error) {
      this.close();
      throw error;
    }
    if (!(Symbol.asyncIterator in stream)) {
      // Refused (not authorised, bad arguments): every subscription that joined meanwhile gets the same answer.
      this.close();
      return stream;
    }
    this.events = stream[Symbol.asyncIterator]();
    void this.run(this.events);
    return null;
  }

  private async run(events: AsyncIterator<unknown>): Promise<void> {
    try {
      for (;;) {
        const event = await events.next();
        if (event.done || this.closed) break;
        const result = await execute({ ...this.args, rootValue: event.value });
        const json = JSON.stringify(result);
        for (const membership of this.memberships) membership.member.deliver(json);
      }
      this.close();
      for (const membership of this.memberships) membership.end();
    } catch (error) {
      this.close();
      for (const membership of this.memberships) membership.fail(error);
    }
  }

  private overflowAll(): void {
    this.close();
    for (const membership of this.memberships) membership.fail(new Error('the live subscription fell too far behind its events'));
  }

  private leave(membership: Membership): void {
    this.memberships.delete(membership);
    if (this.memberships.size === 0) {
      this.close();
      void this.events?.return?.();
    }
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    // A subscription arriving from now on starts a new group instead of joining one that is ending.
    this.forget();
  }
}

/** One subscription in a group, as the transport's iterator: pending until the subscription ends. */
class Membership implements AsyncIterableIterator<never> {
  private ended: { error: unknown } | { error?: undefined } | null = null;
  private waiting: { resolve: (result: IteratorResult<never>) => void; reject: (error: unknown) => void } | null = null;

  constructor(
    readonly member: GroupMember,
    private readonly onLeave: () => void,
  ) {}

  end(): void {
    this.finish({});
  }

  fail(error: unknown): void {
    this.finish({ error });
  }

  private finish(how: { error?: unknown }): void {
    if (this.ended) return;
    this.ended = how;
    if (this.waiting) {
      if ('error' in how) this.waiting.reject(how.error);
      else this.waiting.resolve({ value: undefined, done: true });
      this.waiting = null;
    }
    this.onLeave();
  }

  next(): Promise<IteratorResult<never>> {
    if (this.ended) {
      const ended = this.ended;
      this.ended = {};
      return 'error' in ended ? Promise.reject(ended.error) : Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  return(): Promise<IteratorResult<never>> {
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error: unknown): Promise<IteratorResult<never>> {
    this.end();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<never> {
    return this;
  }
}
