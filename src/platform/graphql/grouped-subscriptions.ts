import { createHash } from 'node:crypto';
import { createSourceEventStream, execute, ExecutionArgs, ExecutionResult } from 'graphql';
import type { Principal } from '../auth/principal';
import { MAX_BACKLOG, subscriberGuard } from '../pubsub';

/**
 * Live updates reach thousands of dashboards that all run the same subscription.
 * Subscribing, filtering and executing once per subscriber made the cost of every
 * event grow with the audience, so identical subscriptions form a *group*: the group
 * has one source stream (one pubsub subscription, one filter), executes each event
 * once, and hands the same result to every member.
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
 * Each member still has its own bounded backlog: a member that falls MAX_BACKLOG
 * results behind is cut off (`onOverflow`), as a lone subscription would be by the pubsub.
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

export interface GroupedSubscriptions {
  /**
   * graphql's `subscribe`, except that the source stream and the execution of each
   * event are shared with every other subscription of the same group key.
   * `onOverflow` cuts off this member when it falls too far behind.
   */
  subscribe(args: ExecutionArgs, groupKey: string, onOverflow: () => void): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult>;
  /** Groups with at least one member (for tests and metrics). */
  readonly groupCount: number;
}

export function createGroupedSubscriptions(): GroupedSubscriptions {
  const groups = new Map<string, SubscriptionGroup>();
  return {
    async subscribe(args, groupKey, onOverflow) {
      let group = groups.get(groupKey);
      if (!group) {
        group = new SubscriptionGroup(args, () => {
          if (groups.get(groupKey) === group) groups.delete(groupKey);
        });
        groups.set(groupKey, group);
      }
      const refusal = await group.started;
      if (refusal) return refusal;
      return group.join(onOverflow);
    },
    get groupCount() {
      return groups.size;
    },
  };
}

class SubscriptionGroup {
  /** Resolves to null once the source stream runs, or to the result that refused the subscription. */
  readonly started: Promise<ExecutionResult | null>;
  private readonly members = new Set<Member>();
  private events: AsyncIterator<unknown> | null = null;
  private closed = false;

  constructor(
    private readonly args: ExecutionArgs,
    private readonly forget: () => void,
  ) {
    this.started = this.start();
  }

  join(onOverflow: () => void): AsyncIterableIterator<ExecutionResult> {
    const member = new Member(onOverflow, () => this.leave(member));
    if (this.closed) member.end();
    else this.members.add(member);
    return member;
  }

  private async start(): Promise<ExecutionResult | null> {
    let stream: Awaited<ReturnType<typeof createSourceEventStream>>;
    try {
      // Should the group itself fall MAX_BACKLOG events behind its source, every member is behind: cut them all off.
      stream = await subscriberGuard.run({ onOverflow: () => this.overflowAll() }, () => createSourceEventStream(this.args));
    } catch (error) {
      this.close();
      throw error;
    }
    if (!(Symbol.asyncIterator in stream)) {
      // Refused (not authorised, bad arguments): every member that joined meanwhile gets the same answer.
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
        for (const member of this.members) member.push(result);
      }
      this.close();
      for (const member of this.members) member.end();
    } catch (error) {
      this.close();
      for (const member of this.members) member.fail(error);
    }
  }

  private overflowAll(): void {
    this.close();
    for (const member of this.members) member.overflow();
  }

  private leave(member: Member): void {
    this.members.delete(member);
    if (this.members.size === 0) {
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

/** One subscriber's view of its group: its own bounded backlog of shared results. */
class Member implements AsyncIterableIterator<ExecutionResult> {
  private readonly backlog: ExecutionResult[] = [];
  private waiting: { resolve: (result: IteratorResult<ExecutionResult>) => void; reject: (error: unknown) => void } | null = null;
  private failure: { error: unknown } | null = null;
  private finished = false;

  constructor(
    private readonly onOverflow: () => void,
    private readonly onLeave: () => void,
  ) {}

  push(result: ExecutionResult): void {
    if (this.finished) return;
    if (this.waiting) {
      const { resolve } = this.waiting;
      this.waiting = null;
      resolve({ value: result, done: false });
    } else if (this.backlog.length >= MAX_BACKLOG) {
      this.overflow();
    } else {
      this.backlog.push(result);
    }
  }

  overflow(): void {
    if (this.finished) return;
    this.end();
    this.onOverflow();
  }

  end(): void {
    if (this.finished) return;
    this.finished = true;
    this.backlog.length = 0;
    this.waiting?.resolve({ value: undefined, done: true });
    this.waiting = null;
    this.onLeave();
  }

  fail(error: unknown): void {
    if (this.finished) return;
    this.failure = { error };
    if (this.waiting) {
      this.waiting.reject(error);
      this.waiting = null;
    }
    this.end();
  }

  next(): Promise<IteratorResult<ExecutionResult>> {
    const queued = this.backlog.shift();
    if (queued) return Promise.resolve({ value: queued, done: false });
    if (this.failure) {
      const { error } = this.failure;
      this.failure = null;
      return Promise.reject(error);
    }
    if (this.finished) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  return(): Promise<IteratorResult<ExecutionResult>> {
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error: unknown): Promise<IteratorResult<ExecutionResult>> {
    this.end();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<ExecutionResult> {
    return this;
  }
}
