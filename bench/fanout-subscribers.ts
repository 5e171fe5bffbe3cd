/**
 * Dashboard subscribers: N WebSocket connections speaking graphql-transport-ws
 * (connection_init with the API key, one `subscribe`), counting `next` frames
 * and their delivery latency (receive time − the event's `at`, which the
 * server stamps when the change happens). Cheap on purpose: no JSON.parse per
 * frame, so the subscriber side does not limit what is measured.
 */
import WebSocket from 'ws';
import { childMain, emit, serveRpc } from './lib/children';
import { LatencyHistogram } from './lib/stats';

interface ConnectArgs {
  url: string;
  count: number;
  apiKey: string;
  query: string;
  concurrency?: number;
}

childMain(async () => {
  const sockets: WebSocket[] = [];
  let frames = 0;
  let otherFrames = 0;
  let closed = 0;
  let disconnecting = false;
  let errors = 0;
  let hist = new LatencyHistogram();
  let firstAt = 0;
  let lastAt = 0;
  const now = () => performance.timeOrigin + performance.now();

  const onMessage = (data: WebSocket.RawData) => {
    const text = data.toString();
    if (text.startsWith('{"id":"1","type":"next"') || (text.includes('"type":"next"') && text.includes('"id":"1"'))) {
      const t = now();
      frames++;
      if (!firstAt) firstAt = t;
      lastAt = t;
      const i = text.indexOf('"at":"');
      if (i >= 0) {
        const at = Date.parse(text.slice(i + 6, i + 30));
        if (Number.isFinite(at)) hist.record(t - at);
      }
    } else otherFrames++;
  };

  const open = (a: ConnectArgs) =>
    new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(a.url, 'graphql-transport-ws', { perMessageDeflate: false });
      let acked = false;
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error('connect timeout'));
      }, 60_000);
      ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { apiKey: a.apiKey } })));
      ws.on('message', (data) => {
        if (!acked) {
          const text = data.toString();
          if (text.includes('connection_ack')) {
            acked = true;
            ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: a.query } }));
            ws.on('message', onMessage);
            clearTimeout(timer);
            sockets.push(ws);
            resolve();
          }
          return;
        }
      });
      ws.on('close', () => {
        if (acked && !disconnecting) closed++;
        else {
          clearTimeout(timer);
          reject(new Error('closed before ack'));
        }
      });
      ws.on('error', () => {
        errors++;
      });
    });

  serveRpc({
    connect: async (a: ConnectArgs) => {
      const concurrency = a.concurrency ?? 100;
      let next = 0;
      let failed = 0;
      const worker = async () => {
        while (next < a.count) {
          next++;
          await open(a).catch(() => {
            failed++;
          });
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      return { open: sockets.length, failed };
    },
    reset: () => {
      closed = 0;
      errors = 0;
      frames = 0;
      otherFrames = 0;
      hist = new LatencyHistogram();
      firstAt = 0;
      lastAt = 0;
      return true;
    },
    report: () => ({
      frames,
      otherFrames,
      closed,
      errors,
      open: sockets.filter((s) => s.readyState === WebSocket.OPEN).length,
      firstAt,
      lastAt,
      latency: hist.toJSON(),
    }),
    disconnect: async () => {
      disconnecting = true;
      await Promise.all(
        sockets.splice(0).map(
          (ws) =>
            new Promise<void>((resolve) => {
              if (ws.readyState === WebSocket.CLOSED) return resolve();
              ws.once('close', () => resolve());
              ws.close();
              setTimeout(() => {
                ws.terminate();
                resolve();
              }, 3000);
            }),
        ),
      );
      disconnecting = false;
      return true;
    },
    stop: () => {
      for (const ws of sockets) ws.terminate();
      setImmediate(() => process.exit(0));
      return true;
    },
  });
  emit('ready', { pid: process.pid });
});
