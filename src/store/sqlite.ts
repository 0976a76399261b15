import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';

const require = createRequire(import.meta.url);

/**
 * better-sqlite3, required rather than imported: imported, Node would first scan its CommonJS
 * source for export names (~4 ms of every start).
 */
export const Database = require('better-sqlite3') as typeof BetterSqlite3;
export type Database = BetterSqlite3.Database;
export type Statement = BetterSqlite3.Statement;
export type Transaction<F extends (...args: never[]) => unknown> = BetterSqlite3.Transaction<F>;

let addon: string | null | undefined;

/**
 * Options for `new Database`: the addon's path when it is where npm's install puts it. Named up
 * front, the `bindings` package's search of a dozen places (~2 ms) is skipped; any other layout is
 * left to that search.
 */
export function nativeBinding(): { nativeBinding?: string } {
  if (addon === undefined) {
    const built = join(dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');
    addon = existsSync(built) ? built : null;
  }
  return addon ? { nativeBinding: addon } : {};
}
