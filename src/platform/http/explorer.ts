import { dirname, join } from 'node:path';
import express from 'express';

/** Files of the explorer, from the project's own dependencies: it works without internet access. */
const ASSETS: Record<string, { module: string; file: string; type: string }> = {
  'react.js': { module: 'react', file: 'umd/react.production.min.js', type: 'text/javascript' },
  'react-dom.js': { module: 'react-dom', file: 'umd/react-dom.production.min.js', type: 'text/javascript' },
  'graphiql.js': { module: 'graphiql', file: 'graphiql.min.js', type: 'text/javascript' },
  'graphiql.css': { module: 'graphiql', file: 'graphiql.min.css', type: 'text/css' },
  'explorer.js': { module: '', file: '', type: 'text/javascript' },
};

const moduleDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

// The page's own script: a field for the API key that becomes the Authorization header of every request.
const EXPLORER_JS = `
const keyInput = document.getElementById('key');
keyInput.value = sessionStorage.getItem('hub-key') || '';
keyInput.addEventListener('change', () => sessionStorage.setItem('hub-key', keyInput.value.trim()));
const fetcher = GraphiQL.createFetcher({
  url: location.pathname,
  headers: {},
  fetch: (url, init) => {
    const key = keyInput.value.trim();
    const headers = Object.assign({}, init.headers, key ? { authorization: 'Bearer ' + key } : {});
    return fetch(url, Object.assign({}, init, { headers }));
  },
});
ReactDOM.createRoot(document.getElementById('graphiql')).render(
  React.createElement(GraphiQL, { fetcher, defaultEditorToolsVisibility: true, shouldPersistHeaders: false }),
);
`;

const PAGE = (base: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Service hub - GraphQL explorer</title>
<link rel="stylesheet" href="${base}/graphiql.css">
<style>
  body { margin: 0; height: 100vh; display: flex; flex-direction: column; font-family: system-ui, sans-serif; }
  header { display: flex; gap: 0.5rem; align-items: center; padding: 0.4rem 0.8rem; border-bottom: 1px solid #ddd; }
  header input { flex: 1; max-width: 40rem; font-family: monospace; padding: 0.2rem 0.4rem; }
  #graphiql { flex: 1; min-height: 0; }
</style>
</head>
<body>
<header>
  <label for="key">Authorization: Bearer</label>
  <input id="key" type="password" autocomplete="off" placeholder="shk_... (API key; kept in this tab only)">
</header>
<div id="graphiql">Loading the explorer...</div>
<script src="${base}/react.js"></script>
<script src="${base}/react-dom.js"></script>
<script src="${base}/graphiql.js"></script>
<script src="${base}/explorer.js"></script>
</body>
</html>
`;

/**
 * GraphiQL at GET /graphql for a browser (Accept: text/html), served from node_modules, with a field
 * for the API key. Its assets live under /graphql/explorer/.
 */
export function explorerRouter(): express.Router {
  const router = express.Router();
  const base = '/graphql/explorer';
  const csp =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";
  router.get('/graphql', (req, res, next) => {
    if (
      !req.accepts(['application/json', 'text/html']) ||
      req.accepts(['application/json', 'text/html']) !== 'text/html' ||
      req.query.query !== undefined
    )
      return next();
    res
      .set({ 'Content-Security-Policy': csp, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' })
      .type('html')
      .send(PAGE(base));
  });
  router.get(`${base}/:file`, (req, res, next) => {
    const asset = ASSETS[req.params.file];
    if (!asset) return next();
    res.set({ 'Cache-Control': 'public, max-age=3600', 'X-Content-Type-Options': 'nosniff' }).type(asset.type);
    if (!asset.module) return void res.send(EXPLORER_JS);
    res.sendFile(join(moduleDir(asset.module), asset.file));
  });
  return router;
}
