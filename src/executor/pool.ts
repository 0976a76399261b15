import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { MessagePort } from 'node:worker_threads';
import type { InspectResult, WorkerTask } from './protocol.js';

export interface WorkerPool {
  run(task: WorkerTask, transferList?: MessagePort[], signal?: AbortSignal): Promise<InspectResult | null>;
  readonly maxThreads: number;
  close(): Promise<void>;
}

export function defaultParallelism(): number {
  return Math.max(1, availableParallelism());
}

/** The worker-thread pool: one thread starts at once (its boot overlaps loading conf/), more on demand. */
export function createPool(maxThreads = defaultParallelism(), minThreads = 1): WorkerPool {
  const pool = new Piscina({
    filename: new URL('./worker.js', import.meta.url).href,
    maxThreads,
    minThreads: Math.min(minThreads, maxThreads),
    idleTimeout: 30_000,
    concurrentTasksPerWorker: 1,
  });
  return {
    maxThreads,
    run: (task, transferList, signal) => pool.run(task, { transferList: transferList as never, signal }) as Promise<InspectResult | null>,
    close: () => pool.destroy(),
  };
}
