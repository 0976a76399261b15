import { sleep, systemClock, type Clock } from '../clock/index.js';
import type { RunEvent } from '../executor/run-events.js';
import { openStore, runOwnerAlive, type EventRecord, type RunRecord, type Store } from '../store/index.js';
import { findRun } from './history.js';

export interface FollowRunOptions {
  state: string;
  run: string;
  onEvent(event: RunEvent): void;
  signal?: AbortSignal;
  clock?: Clock;
}

const POLL_MS = 150;

/**
 * Streams a run's events from the store (whichever process owns the run) until it ends; returns
 * the run as it ended. A run whose owner died is reported `interrupted`.
 * @example const run = await followRun({ state: '.wf', run: 'last', onEvent: console.log })
 */
export async function followRun(o: FollowRunOptions): Promise<RunRecord> {
  const clock = o.clock ?? systemClock;
  const store = openStore(o.state, { readonly: true });
  try {
    const first = findRun(store, o.run);
    let seq = 0;
    for (;;) {
      const events = store.getEvents(first.id, seq);
      for (const ev of events) {
        seq = ev.seq;
        const shown = toRunEvent(ev, store);
        if (shown) o.onEvent(shown);
      }
      if (events.length > 0) continue;
      const run = store.getRun(first.id)!;
      if (run.status !== 'running') return run;
      if (!runOwnerAlive(run, clock.now())) return { ...run, status: 'interrupted' };
      if (o.signal?.aborted) return run;
      await sleep(clock, POLL_MS, o.signal).catch(() => {});
    }
  } finally {
    store.close();
  }
}

function toRunEvent(ev: EventRecord, store: Store): RunEvent | null {
  const ts = Date.parse(ev.ts);
  switch (ev.type) {
    case 'log':
      return { type: 'log', jobKey: ev.jobKey ?? '', path: ev.stagePath, stream: (ev.stream ?? 'log') as 'log', text: ev.text ?? '', ts };
    case 'run-start': {
      const run = store.getRun(ev.runId)!;
      return { type: 'run-start', run: { ...run, startedAt: ev.ts } };
    }
    case 'run-end': {
      const run = store.getRun(ev.runId)!;
      const status = (ev.data?.status as RunRecord['status'] | undefined) ?? run.status;
      return { type: 'run-end', run: { ...run, status, endedAt: run.endedAt ?? ev.ts }, jobs: store.getJobs(ev.runId) };
    }
    default:
      return ev.data ? ({ ...ev.data, type: ev.type } as unknown as RunEvent) : null;
  }
}
