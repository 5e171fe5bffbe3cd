/**
 * Baseline for dashboard fan-out: a bare `ws` server with the minimal
 * graphql-transport-ws handshake (ack, remember the subscription id) that, per
 * published event, serialises the payload once (the hub's own frame, captured
 * at set-up, with a fresh `at`) and sends the same string to every subscriber.
 * Events come in over HTTP (POST /publish), as mutations reach the hub.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';
import { childMain, emit, serveRpc } from './lib/children';
import { processStats } from './lib/proc-stats';

childMain(async () => {
  const key = process.env.BENCH_KEY!;
  let template = process.env.BENCH_FRAME_TEMPLATE!; // a real `next` frame from the hub, with "at":"<AT>" and "message":"<MSG>"
  const proc = processStats();
  const subscribers = new Set<WebSocket>();

  const server = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/publish') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const { message } = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { message?: string };
        const frame = template.replace('<AT>', new Date().toISOString()).replace('<MSG>', JSON.stringify(message ?? '').slice(1, -1));
        for (const ws of subscribers) ws.send(frame);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"data":{"published":true}}');
      });
      return;
    }
    res.writeHead(404);
    res.end();
  });
  const wss = new WebSocketServer({ server, path: '/graphql', perMessageDeflate: false });
  wss.on('connection', (ws) => {
    let ready = false;
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as { type: string; id?: string; payload?: { apiKey?: string } };
      if (msg.type === 'connection_init') {
        if (msg.payload?.apiKey !== key) return ws.close(4403, 'Forbidden');
        ready = true;
        ws.send('{"type":"connection_ack"}');
      } else if (msg.type === 'subscribe' && ready) subscribers.add(ws);
      else if (msg.type === 'ping') ws.send('{"type":"pong"}');
    });
    ws.on('close', () => subscribers.delete(ws));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  serveRpc({
    setTemplate: ({ frame }: { frame: string }) => {
      template = frame;
      return true;
    },
    resetStats: () => proc.resetStats(),
    stats: (args: { gc?: boolean } = {}) => ({ ...proc.stats(args), subscribers: subscribers.size }),
    stop: () => {
      for (const ws of wss.clients) ws.terminate();
      server.close();
      setImmediate(() => process.exit(0));
      return true;
    },
  });
  emit('ready', { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
