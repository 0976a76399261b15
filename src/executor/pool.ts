import { availableParallelism } from 'node:os';
import type { Piscina } from 'piscina';
import type { MessagePort } from 'node:worker_threads';
import { MODULE_EXT } from '../module-ext.js';
import type { HookResult, InspectResult, WorkerTask } from './protocol.js';

export interface WorkerPool {
  run(task: WorkerTask, signal?: AbortSignal, transferList?: MessagePort[]): Promise<InspectResult | HookResult | null>;
  readonly maxThreads: number;
  close(): Promise<void>;
}

/** Hook code needs a thread: one per core. Jobs that run no hook code take none. */
export function defaultThreads(): number {
  return Math.max(1, availableParallelism());
}

/**
 * The worker-thread pool for hook code. Threads start on demand (a run of shell stages starts
 * none), except `minThreads`, which `wf run` uses to boot one while conf/ loads when hooks are used.
 */
export function createPool(maxThreads = defaultThreads(), minThreads = 0): WorkerPool {
  // piscina itself is imported on first use: a run of shell stages loads none of it.
  let pool: Promise<Piscina> | undefined;
  const get = () =>
    (pool ??= import('piscina').then(
      ({ Piscina }) =>
        new Piscina({
          filename: new URL(`./worker${MODULE_EXT}`, import.meta.url).href,
          maxThreads,
          minThreads: Math.min(minThreads, maxThreads),
          idleTimeout: 30_000,
          concurrentTasksPerWorker: 1,
          // Not 'sync' (the default), where an idle worker blocks in Atomics.wait: waking it cost the
          // main thread ~150 µs per batch here (a futex wake and a context switch on 2 cores), and a
          // blocked worker would also freeze what a finished hook left running (timers, sockets).
          // Tasks then arrive as ordinary messages.
          atomics: 'disabled',
        }),
    ));
  if (minThreads > 0) void get();
  return {
    maxThreads,
    run: async (task, signal, transferList) => (await get()).run(task, { signal, transferList: transferList as never }) as Promise<InspectResult | HookResult | null>,
    close: async () => {
      if (pool) await (await pool).destroy();
    },
  };
}
