import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express from 'express';
import type { Hub } from '../../platform/hub';

const ASSETS = {
  'index.html': 'text/html; charset=utf-8',
  'dashboard.js': 'text/javascript; charset=utf-8',
  'dashboard.css': 'text/css; charset=utf-8',
} as const;
type Asset = keyof typeof ASSETS;

/**
 * The page and its script are static files next to this module. A compiled
 * build (dist/) does not copy them, so the source tree is the fallback when
 * running from the repository.
 */
function assetDirectory(): string | null {
  const candidates = [join(__dirname, 'public'), resolve(__dirname, '../../../../src/modules/dashboard/public')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? null;
}

/**
 * `/dashboard`: the live customer dashboard. The page holds no data and needs
 * no key; the browser signs in with its API key against /graphql (HTTP and
 * WebSocket), so the page itself does no authorization.
 */
export function dashboardRouter(hub: Hub): express.Router {
  const router = express.Router({ strict: false });
  const dir = assetDirectory();
  const files = new Map<Asset, string>();
  if (dir) for (const name of Object.keys(ASSETS) as Asset[]) files.set(name, readFileSync(join(dir, name), 'utf8'));
  else hub.log.error('dashboard assets not found: the /dashboard page is unavailable');

  const send = (name: Asset) => (req: express.Request, res: express.Response) => {
    const body = files.get(name);
    if (!body) {
      res.status(503).type('text/plain').send('The dashboard is not installed on this hub\n');
      return;
    }
    const host = req.headers.host ?? '';
    res.set({
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      // The page only ever talks to this hub: its API over HTTP and the graphql-ws socket.
      'Content-Security-Policy': `default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self' ws://${host} wss://${host}; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`,
    });
    res.type(ASSETS[name]).send(body);
  };
  router.get('/', send('index.html'));
  router.get('/dashboard.js', send('dashboard.js'));
  router.get('/dashboard.css', send('dashboard.css'));
  return router;
}
