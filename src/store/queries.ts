import { WfError } from '../errors/index.js';

export const DEFAULT_LIST_LIMIT = 20;

/** Checks a `listRuns` limit: a whole number ≥ 0, or Infinity for no limit (SQLite's -1). */
export function normalizeLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIST_LIMIT;
  if (limit === Infinity) return -1;
  if (!Number.isInteger(limit) || limit < 0) {
    throw new WfError('E_USAGE', `run list limit must be a whole number ≥ 0, got ${limit}`, {
      hint: 'e.g. --limit 50',
    });
  }
  return limit;
}

/** The id range `[lo, hi)` holding every id that starts with `prefix`. */
export function prefixRange(prefix: string): { lo: string; hi: string } {
  return { lo: prefix, hi: prefix + '\u{10FFFF}' }; // the largest code point sorts after any id character
}
