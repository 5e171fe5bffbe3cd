import { makeAsyncDisposable } from '@graphql-mesh/utils';
import type { ExecutionRequest } from '@graphql-tools/utils';
import { GraphQLError, print, type ExecutionResult } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** What the gateway's HTTP transport hands a subscription transport (the parts used here). */
interface SubscriptionTransportPayload {
  transportEntry: { subgraph: string; location: string; options?: { forwardAuthorization?: boolean } };
}

/** How long an upstream socket stays open after its last subscription ended (a resubscription reuses it). */
const LAZY_CLOSE_MS = 3_000;

function describeClose(reason: unknown): string {
  const close = reason as { code?: unknown; reason?: unknown; message?: unknown } | null;
  if (close && typeof close.code === 'number')
    return `its connection closed (${close.code}${typeof close.reason === 'string' && close.reason ? ` ${close.reason}` : ''})`;
  return `its connection failed (${typeof close?.message === 'string' ? close.message : String(reason)})`;
}

/**
 * The upstream subscription, ending with one error that names the source when the source's socket
 * closes or cannot be opened. Unsubscribing returns the upstream iterator at once.
 */
function endingWithSourceError(upstream: AsyncIterableIterator<ExecutionResult>, source: string): AsyncIterableIterator<ExecutionResult> {
  let ended = false;
  const finish = async () => {
    ended = true;
    await upstream.return?.();
    return { done: true as const, value: undefined };
  };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      if (ended) return { done: true, value: undefined };
      try {
        return await upstream.next();
      } catch (reason) {
        ended = true;
        const message = `${source}: the subscription ended: ${describeClose(reason)}; subscribe again and re-read what you show (updates in between are not replayed)`;
        return {
          done: false,
          value: { errors: [new GraphQLError(message, { extensions: { code: 'SOURCE_UNAVAILABLE', serviceName: source } })] },
        };
      }
    },
    return: finish,
    throw: async (error: unknown) => {
      await finish();
      throw error;
    },
  };
}

/**
 * graphql-ws to a federation source, for subscriptions. One socket per distinct client key (the
 * client's Authorization, when the source gets it), shared by that key's subscriptions and closed
 * 3 s after the last one ends. No silent reconnect (graphql-ws would resubscribe after a restart of
 * the source and hide the updates lost meanwhile): when the socket closes, each subscription on it
 * ends with an error naming the source, and the client subscribes again.
 */
export const wsTransport = {
  getSubgraphExecutor({ transportEntry }: SubscriptionTransportPayload) {
    const url = transportEntry.location.replace(/^http/, 'ws');
    const forward = transportEntry.options?.forwardAuthorization === true;
    const clients = new Map<string, Client>();

    const clientFor = (authorization: string): Client => {
      const existing = clients.get(authorization);
      if (existing) return existing;
      const client: Client = createClient({
        url,
        webSocketImpl: WebSocket,
        lazy: true,
        lazyCloseTimeout: LAZY_CLOSE_MS,
        retryAttempts: 0,
        connectionParams: authorization ? { authorization } : {},
        on: {
          closed: () => {
            if (clients.get(authorization) === client) clients.delete(authorization);
          },
        },
      });
      clients.set(authorization, client);
      return client;
    };

    const executor = (request: ExecutionRequest) => {
      const context = request.context as { gatewayAuthorization?: string } | undefined;
      const client = clientFor(forward ? (context?.gatewayAuthorization ?? '') : '');
      const upstream = client.iterate<Record<string, unknown>, Record<string, unknown>>({
        query: print(request.document),
        variables: request.variables as Record<string, unknown> | undefined,
        operationName: request.operationName,
      });
      return endingWithSourceError(upstream as AsyncIterableIterator<ExecutionResult>, transportEntry.subgraph);
    };
    return makeAsyncDisposable(executor, async () => {
      await Promise.all([...clients.values()].map((client) => client.dispose()));
      clients.clear();
    });
  },
};
