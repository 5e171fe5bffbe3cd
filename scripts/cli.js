#!/usr/bin/env node
// `npm run cli -- <args>`: runs the compiled CLI when dist/ is newer than every source file (a
// second), otherwise the TypeScript sources through @swc-node/register (a few seconds, no build).
'use strict';
const { readdirSync, statSync, existsSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const compiled = path.join(root, 'dist/src/cli.js');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

const upToDate =
  existsSync(compiled) &&
  statSync(compiled).mtimeMs >= Math.max(newestMtime(path.join(root, 'src')), newestMtime(path.join(root, 'migrations')));
if (upToDate) {
  require(compiled);
} else {
  require('@swc-node/register');
  require(path.join(root, 'src/cli.ts'));
}
