/**
 * A bare `ws` client speaking (or deliberately mis-speaking) graphql-transport-ws,
 * for tests that need what graphql-ws's client will not do: malformed frames,
 * subscribe churn, a socket that stops reading.
 */
import WebSocket from 'ws';

export interface RawWs {
  ws: WebSocket;
  /** Parsed JSON messages received, in order. */
  messages: Array<{ id?: string; type: string; payload?: any }>;
  closed: Promise<{ code: number; reason: string }>;
  isClosed(): boolean;
  send(message: unknown): void;
  /** Sends connection_init and waits for connection_ack (or the close). */
  init(apiKey: string | null): Promise<void>;
  /** Resolves once `predicate` holds over the received messages, or rejects after `timeoutMs`. */
  waitFor(predicate: (messages: RawWs['messages']) => boolean, timeoutMs?: number): Promise<void>;
  /** Stops reading from the TCP socket: the server's sends pile up (the client-side ws has no API for it). */
  pauseReading(): void;
  resumeReading(): void;
  close(): void;
}

export function rawWs(url: string, protocol: string | null = 'graphql-transport-ws'): Promise<RawWs> {
  const ws = protocol ? new WebSocket(url, protocol) : new WebSocket(url);
  const messages: RawWs['messages'] = [];
  let isClosed = false;
  let notify: (() => void) | null = null;
  ws.on('message', (data) => {
    try {
      messages.push(JSON.parse(String(data)));
    } catch {
      messages.push({ type: 'unparsable' });
    }
    notify?.();
  });
  ws.on('error', () => undefined); // the close event carries what the tests look at
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.once('close', (code, reason) => {
      isClosed = true;
      resolve({ code, reason: reason.toString() });
      notify?.();
    });
  });
  const socket = () => (ws as unknown as { _socket: import('node:net').Socket })._socket;
  const client: RawWs = {
    ws,
    messages,
    closed,
    isClosed: () => isClosed,
    send: (message) => ws.send(typeof message === 'string' || Buffer.isBuffer(message) ? message : JSON.stringify(message)),
    init: async (apiKey) => {
      client.send({ type: 'connection_init', payload: apiKey ? { apiKey } : {} });
      await client.waitFor((m) => m.some((x) => x.type === 'connection_ack'));
    },
    waitFor: async (predicate, timeoutMs = 10_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(messages)) {
        if (isClosed) throw new Error(`socket closed while waiting; received ${JSON.stringify(messages).slice(0, 500)}`);
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms; received ${JSON.stringify(messages).slice(0, 500)}`);
        await new Promise<void>((resolve) => {
          notify = resolve;
          setTimeout(resolve, 50);
        });
      }
    },
    pauseReading: () => socket().pause(),
    resumeReading: () => socket().resume(),
    close: () => ws.close(),
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(client));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`WebSocket upgrade refused: HTTP ${res.statusCode}`)));
    ws.once('close', () => resolve(client)); // refused during the handshake (e.g. subprotocol): the test reads `closed`
    void reject;
  });
}
