import { sleep, systemClock, type Clock } from '../clock/index.js';
import { WfError } from '../errors/index.js';
import { recoverInterrupted } from '../executor/recover.js';
import { openStore, type RunRecord } from '../store/index.js';
import { findRun } from './history.js';

export interface CancelRunOptions {
  state: string;
  run: string;
  /** How long to wait for the owner to stop the run. */
  timeoutMs?: number;
  clock?: Clock;
}

export interface CancelOutcome {
  run: RunRecord;
  /** False when the run had already ended (its status says how). */
  cancelled: boolean;
}

const WAIT_STEP_MS = 100;

/**
 * Stops a run owned by any process (`wf run` elsewhere, the scheduler) through the store: the
 * owner watches for the request, cancels the run and records it; this waits until it has.
 * @example await cancelRun({ state: '.wf', run: 'mwuq3k' })
 */
export async function cancelRun(o: CancelRunOptions): Promise<CancelOutcome> {
  const clock = o.clock ?? systemClock;
  const store = openStore(o.state);
  try {
    recoverInterrupted(store);
    const run = findRun(store, o.run);
    if (run.status !== 'running') return { run, cancelled: false };
    store.requestCancel(run.id);
    const deadline = clock.now() + (o.timeoutMs ?? 30_000);
    for (;;) {
      recoverInterrupted(store); // the owner may die meanwhile
      const now = store.getRun(run.id)!;
      if (now.status !== 'running') return { run: now, cancelled: now.status === 'cancelled' };
      if (clock.now() >= deadline) {
        throw new WfError('E_STATE', `run ${run.id} is still running ${Math.round((o.timeoutMs ?? 30_000) / 1000)}s after the cancel request`, {
          hint: `its owner (pid ${now.owner?.pid ?? now.pid} on ${now.owner?.host ?? 'this host'}) has not answered; it stops at its next check`,
        });
      }
      await sleep(clock, WAIT_STEP_MS);
    }
  } finally {
    store.close();
  }
}
