import type BetterSqlite3 from 'better-sqlite3';

export type BetterSqlite3Module = typeof BetterSqlite3;

let loaded: BetterSqlite3Module | undefined;

/**
 * The better-sqlite3 build that works on the running Node. Version 12 aborts on Node 24 when the
 * GC frees a statement ("Assertion failed: (env) != nullptr", WiseLibs/better-sqlite3#1515, not to be
 * fixed); 13, its Node-API rewrite, asks for Node-API 10, which Node 20 and Node 22 before 22.14 lack,
 * and there it crashes on the first open (#1514). So Node-API 10 takes 13 (the `better-sqlite3-napi`
 * alias, prebuilt in its package) and older Nodes take 12 (an optional dependency compiled at install).
 * TypeORM gets the module through the data source's `driver` option; nothing else may require either.
 */
export function betterSqlite3(): BetterSqlite3Module {
  if (loaded) return loaded;
  const napi = Number(process.versions.napi);
  if (napi >= 10) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require('better-sqlite3-napi') as BetterSqlite3Module;
    return loaded;
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require('better-sqlite3') as BetterSqlite3Module;
    return loaded;
  } catch (error) {
    throw new Error(
      `SQLite on Node ${process.version} (Node-API ${napi}) needs better-sqlite3 12, an optional dependency that is not ` +
        'installed (its native build needs python3, make and g++): install those and run npm install again, or use Node 22.14 or later',
      { cause: error },
    );
  }
}
