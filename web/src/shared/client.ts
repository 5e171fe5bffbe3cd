import { cacheExchange, type Cache } from '@urql/exchange-graphcache';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { Client, fetchExchange, subscriptionExchange } from 'urql';

export type Connection = 'connecting' | 'live' | 'offline';
/** `reconnected`: the socket came back after a drop, so updates may have been missed. */
export type ConnectionListener = (state: Connection, reconnected?: boolean) => void;

const TERMINAL = new Set(['CLOSED', 'CANCELLED']);

/** Every cached page of a list field, so a list the subscription cannot patch in place is fetched again. */
function invalidateLists(cache: Cache, ...fieldNames: string[]) {
  for (const field of cache.inspectFields('Query')) if (fieldNames.includes(field.fieldName)) cache.invalidate('Query', field.fieldKey);
}

/**
 * One urql client per signed-in key: HTTP with the key as Bearer, subscriptions over graphql-ws with the key in
 * connection_init. The normalised cache (graphcache) applies every incident that arrives by subscription to
 * every view that shows it; lists whose membership changed are refetched.
 */
export function createHubClient(
  apiKey: string,
  onConnection: ConnectionListener,
  onRefusedKey: () => void,
): { client: Client; ws: WsClient } {
  let wasConnected = false;
  const url = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/graphql`;
  const ws = createWsClient({
    url,
    connectionParams: { apiKey },
    lazy: false,
    retryAttempts: Infinity,
    shouldRetry: (event) => !(event && typeof event === 'object' && 'code' in event && (event as CloseEvent).code === 4403),
    on: {
      connecting: () => onConnection('connecting'),
      connected: () => {
        onConnection('live', wasConnected);
        wasConnected = true;
      },
      closed: (event) => {
        onConnection('offline');
        if (event && typeof event === 'object' && 'code' in event && (event as CloseEvent).code === 4403) onRefusedKey();
      },
    },
  });
  const client = new Client({
    url: '/graphql',
    requestPolicy: 'cache-and-network',
    // POST only: the hub's CSRF guard refuses GET queries without a preflight header, and keys stay out of URLs and logs anyway.
    preferGetMethod: false,
    fetchOptions: () => ({ headers: { authorization: `Bearer ${apiKey}` } }),
    exchanges: [
      cacheExchange({
        keys: {
          SlaClock: () => null,
          ClockPause: () => null,
          IncidentUpdate: () => null,
          IncidentDiagnosis: () => null,
          PageInfo: () => null,
          Me: () => null,
          Coverage: () => null,
          CoverageWindowView: () => null,
          SpareOption: () => null,
          RmaHistoryEntry: () => null,
          PartUsed: () => null,
        },
        updates: {
          Subscription: {
            incidentUpdated(result, _args, cache) {
              const update = result.incidentUpdated as { kind: string; incident: { status: string } } | undefined;
              if (!update) return;
              if (update.kind === 'REPORTED' || TERMINAL.has(update.incident.status) || update.kind === 'STATUS_CHANGED')
                invalidateLists(cache, 'incidents');
              // A closure without a rating issues a survey for the customer to answer.
              if (TERMINAL.has(update.incident.status)) invalidateLists(cache, 'satisfactionSurveys');
            },
            loanerUpdated(_result, _args, cache) {
              invalidateLists(cache, 'loaners', 'loans');
            },
            stockAlert(_result, _args, cache) {
              invalidateLists(cache, 'stockAlerts', 'stockLevels');
            },
            rmaUpdated(_result, _args, cache) {
              invalidateLists(cache, 'rmas');
            },
          },
          Mutation: {
            reportIncident(_r, _a, cache) {
              invalidateLists(cache, 'incidents');
            },
            fileComplaint(_r, _a, cache) {
              invalidateLists(cache, 'complaints');
            },
            replyToComplaint(_r, _a, cache) {
              invalidateLists(cache, 'complaints');
            },
            answerSatisfactionSurvey(_r, _a, cache) {
              invalidateLists(cache, 'satisfactionSurveys');
            },
            confirmIncidentClosure(_r, _a, cache) {
              invalidateLists(cache, 'incidents', 'satisfactionSurveys');
            },
            closeIncidentWithConsent(_r, _a, cache) {
              invalidateLists(cache, 'incidents');
            },
            linkUnmatchedAlert(_r, _a, cache) {
              invalidateLists(cache, 'unmatchedAlerts', 'incidents');
            },
          },
        },
      }),
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query ?? '' };
          return {
            subscribe(sink) {
              const unsubscribe = ws.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
  return { client, ws };
}
