import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import express from 'express';
import type { Hub } from '../../platform/hub';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/**
 * The pages are built by Vite (web/, `npm run build`) into dist/web. A compiled hub finds them next to
 * dist/src; a hub run from the source tree (tests, swc-node) finds them under the repository's dist/.
 */
export function webBuildDirectory(): string | null {
  // From the source tree, ../../../web is the pages' source (no assets/): only a build directory qualifies.
  const candidates = [resolve(__dirname, '../../../dist/web'), resolve(__dirname, '../../../web')];
  return candidates.find((dir) => ['dashboard.html', 'console.html', 'assets'].every((name) => existsSync(join(dir, name)))) ?? null;
}

interface WebFiles {
  pages: Map<'dashboard' | 'console', Buffer>;
  assets: Map<string, Buffer>;
}

function loadBuild(dir: string): WebFiles {
  const assets = new Map<string, Buffer>();
  const assetDir = join(dir, 'assets');
  if (existsSync(assetDir))
    for (const name of readdirSync(assetDir)) if (TYPES[extname(name)]) assets.set(name, readFileSync(join(assetDir, name)));
  return {
    pages: new Map([
      ['dashboard', readFileSync(join(dir, 'dashboard.html'))],
      ['console', readFileSync(join(dir, 'console.html'))],
    ]),
    assets,
  };
}

function securityHeaders(req: express.Request, res: express.Response) {
  const host = req.headers.host ?? '';
  res.set({
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    // The pages only ever talk to this hub: its API over HTTP and the graphql-ws socket.
    'Content-Security-Policy': `default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self' ws://${host} wss://${host}; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`,
  });
}

/**
 * `/dashboard` (customers) and `/console` (operators): single-page apps that hold no data and need no key;
 * the browser signs in with its API key against /graphql (HTTP and WebSocket), so the pages do no authorization.
 * Their scripts and styles are under `/web/assets/`, named by content hash, so they may be cached for good.
 */
export function webRoutes(hub: Hub): Array<{ path: string; router: express.Router }> {
  const dir = webBuildDirectory();
  const files = dir ? loadBuild(dir) : null;
  if (!files) hub.log.error('web pages not built (npm run build): /dashboard and /console are unavailable');

  const page = (name: 'dashboard' | 'console') => {
    const router = express.Router({ strict: false });
    router.get('/', (req, res) => {
      const body = files?.pages.get(name);
      if (!body) {
        res.status(503).type('text/plain').send('The web pages are not built on this hub (npm run build)\n');
        return;
      }
      securityHeaders(req, res);
      res.set('Cache-Control', 'no-cache').type(TYPES['.html']!).send(body);
    });
    return router;
  };

  const assets = express.Router();
  assets.get('/assets/:name', (req, res) => {
    const name = String(req.params.name);
    const body = files?.assets.get(name);
    if (!body) {
      res.status(404).type('text/plain').send('Not found\n');
      return;
    }
    securityHeaders(req, res);
    res.set('Cache-Control', 'public, max-age=31536000, immutable').type(TYPES[extname(name)]!).send(body);
  });

  return [
    { path: '/dashboard', router: page('dashboard') },
    { path: '/console', router: page('console') },
    { path: '/web', router: assets },
  ];
}
