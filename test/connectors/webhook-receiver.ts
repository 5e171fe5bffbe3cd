/** A real HTTP receiver for webhook tests: verifies each delivery with the standardwebhooks verifier. */
import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Received {
  id: string;
  type: string;
  key: string;
  payload: Record<string, unknown>;
  /** Which of the given secrets verified the signature (index), -1 if none. */
  verifiedBy: number;
  /** The answer the receiver gave. */
  status: number;
}

export interface Receiver {
  url: string;
  /** Every request, in arrival order. */
  requests: Received[];
  /** Deliveries answered 2xx. */
  accepted(): Received[];
  /** 'up' answers 204; 'down' answers 503; 'hang' never answers. */
  mode: 'up' | 'down' | 'hang';
  secrets: string[];
  close(): Promise<void>;
}

const body = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });

export async function startReceiver(secrets: string[] = []): Promise<Receiver> {
  const receiver: Receiver = {
    url: '',
    requests: [],
    accepted: () => receiver.requests.filter((r) => r.status < 300),
    mode: 'up',
    secrets,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
  const server: Server = createServer((req, res) => {
    void body(req).then((raw) => {
      if (receiver.mode === 'hang') return;
      const headers = {
        'webhook-id': String(req.headers['webhook-id']),
        'webhook-timestamp': String(req.headers['webhook-timestamp']),
        'webhook-signature': String(req.headers['webhook-signature']),
      };
      const verifiedBy = receiver.secrets.findIndex((s) => {
        try {
          new Webhook(s).verify(raw, headers);
          return true;
        } catch {
          return false;
        }
      });
      const envelope = JSON.parse(raw) as { eventId: string; type: string; key: string; payload: Record<string, unknown> };
      const status = receiver.mode === 'down' ? 503 : verifiedBy >= 0 ? 204 : 401;
      receiver.requests.push({
        id: headers['webhook-id'],
        type: envelope.type,
        key: envelope.key,
        payload: envelope.payload,
        verifiedBy,
        status,
      });
      if (envelope.eventId !== headers['webhook-id']) res.statusCode = 400;
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return receiver;
}
