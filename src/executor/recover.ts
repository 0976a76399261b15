import type { Store } from '../store/types.js';
import { killOrphans } from './orphans.js';
import { sweepRunTempDirs } from './run-files.js';

/**
 * The one place that decides `interrupted`: runs whose owner is gone are marked (with their
 * running jobs and stages) and what they left running is killed. Every command that opens the
 * store for writing calls it first.
 */
export function recoverInterrupted(store: Store): string[] {
  const { ids, orphans } = store.markInterrupted();
  killOrphans(ids, orphans);
  sweepRunTempDirs(ids);
  return ids;
}
