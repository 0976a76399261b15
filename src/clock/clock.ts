/**
 * The one clock wf reads time from: run records, `now`/`release` params, run ids, timeouts, retry
 * delays and the scheduler. Tests inject a `FakeClock` so nothing sleeps real minutes.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` after `ms` (clamped to 0); returns a cancel function. Long delays are safe (no 2^31 ms overflow). */
  setTimer(fn: () => void, ms: number): () => void;
}

/** setTimeout overflows past 2^31-1 ms (~24.8 days); longer waits are re-armed in chunks. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const due = Date.now() + Math.max(0, ms);
    let handle: NodeJS.Timeout;
    const arm = () => {
      const left = due - Date.now();
      // A timer may fire early (clock adjustments): re-arm until the due time has really come.
      handle = left > 0 ? setTimeout(arm, Math.min(left, MAX_TIMER_MS)) : setTimeout(fn, 0);
    };
    arm();
    return () => clearTimeout(handle);
  },
};

/** Resolves after `ms` on `clock`, or rejects with the signal's reason once it aborts. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      cancel();
      reject(signal!.reason);
    };
    const cancel = clock.setTimer(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export const isoNow = (clock: Clock): string => new Date(clock.now()).toISOString();
