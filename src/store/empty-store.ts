import { normalizeLimit } from './queries.js';
import { readonlyError } from './store-error.js';
import type { Store } from './types.js';

/**
 * What a readonly open of a store that does not exist yet returns: nothing recorded, and
 * nothing created on disk, so `wf runs` on a fresh project just lists no runs. Like any
 * readonly store it rejects writes (apply, markInterrupted, recordRelease).
 */
export function emptyStore(file: string): Store {
  const reject = (): never => {
    throw readonlyError(file);
  };
  return {
    apply: reject,
    getRun: () => undefined,
    listRuns: (query) => {
      normalizeLimit(query?.limit); // the same usage errors as a real store
      return [];
    },
    getJobs: () => [],
    getStages: () => [],
    getLogs: () => [],
    markInterrupted: reject,
    createRun: reject,
    requestCancel: reject,
    transitionRun: reject,
    getAttempts: () => [],
    getEvents: () => [],
    childRuns: () => [],
    scheduleState: () => null,
    advanceSchedule: reject,
    recordSkip: reject,
    beatScheduler: reject,
    listSchedulers: () => [],
    runsEndedSince: () => [],
    recordRelease: reject,
    listReleases: () => [],
    close: () => {},
  };
}
