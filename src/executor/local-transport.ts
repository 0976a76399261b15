import { createRequire } from 'node:module';
import type { BroadcastChannel } from 'node:worker_threads';
import { describeThrown, WfError } from '../errors/index.js';
import type { WorkerPool } from './pool.js';
import { KILL_GRACE_MS, ProcessHost } from './process-host.js';
import { HOOK_CHANNEL, type HookBatchMessage, type HookCancel, type HookResult, type HookTask } from './protocol.js';
import type { JobTransport } from './transport.js';

export interface LocalTransportOptions {
  pool: WorkerPool;
  host?: ProcessHost;
  /** Records each process group a stage starts, and its end (write-ahead for kill -9 recovery). */
  onProcess?(event: { pid: number; jobKey: string; stagePath: string; ended: boolean }): void;
}

/** Calls in one batch at most: a batch that must be ended (a hook ignoring its signal) ends them all. */
const BATCH_MAX = 32;

type WorkerThreads = typeof import('node:worker_threads');
let workerThreads: WorkerThreads | undefined;
/** Loaded at the first hook call: a run of shell stages only never needs it (~3 ms at start-up). */
const threads = (): WorkerThreads => (workerThreads ??= createRequire(import.meta.url)('node:worker_threads') as WorkerThreads);

interface Call {
  task: HookTask;
  resolve(result: HookResult): void;
  batch?: Batch;
  /** This call's grace ran out: its batch's thread is being ended. */
  ended?: boolean;
}

interface Batch {
  terminate: AbortController;
  open: Map<number, Call>;
}

/**
 * Shell stages spawn from this (main) thread; hook code runs in the piscina pool. Hook calls go to
 * the threads as batches (one message each way per batch, results streamed back as they settle),
 * which keeps thousands of short hook stages cheap. At most one batch per thread is out at a time:
 * calls made while every thread is busy wait here and leave together when one frees up, so batches
 * grow with the load instead of queueing as small ones inside piscina.
 */
export class LocalTransport implements JobTransport {
  readonly host: ProcessHost;
  /** Cancels go to every thread; opened at the first one. */
  private channel: BroadcastChannel | undefined;
  private nextCall = 1;
  private queue: Call[] = [];
  private scheduled = false;
  /** Batches sent and not yet finished (their piscina task has not settled). */
  private out = 0;

  constructor(private readonly o: LocalTransportOptions) {
    this.host = o.host ?? new ProcessHost();
  }

  spawn: JobTransport['spawn'] = (request, owner, onData, signal) =>
    this.host.spawn(request, {
      onData,
      signal,
      onStart: (pid) => this.o.onProcess?.({ pid, ...owner, ended: false }),
      onEnd: (pid) => this.o.onProcess?.({ pid, ...owner, ended: true }),
    });

  callHook: JobTransport['callHook'] = (task, signal) =>
    new Promise<HookResult>((resolve) => {
      let killTimer: NodeJS.Timeout | undefined;
      const call: Call = {
        task: { kind: 'hook', callId: this.nextCall++, ...task },
        resolve: (result) => {
          clearTimeout(killTimer);
          signal.removeEventListener('abort', onAbort);
          resolve(result);
        },
      };
      const onAbort = () => {
        // Not sent yet (every thread busy): it never runs, and its stage ends now.
        const queued = call.batch ? -1 : this.queue.indexOf(call);
        if (queued >= 0) {
          this.queue.splice(queued, 1);
          call.resolve({ outputs: null, error: new WfError('E_STAGE', `${call.task.uses} was stopped before it started`, { loc: call.task.loc }).toJSON(), logs: [] });
          return;
        }
        if (!this.channel) {
          this.channel = new (threads().BroadcastChannel)(HOOK_CHANNEL);
          this.channel.unref();
        }
        this.channel.postMessage({ cancel: call.task.callId } satisfies HookCancel);
        // A hook that ignores ctx.signal: the thread running it is ended (piscina replaces it).
        killTimer = setTimeout(() => {
          call.ended = true;
          call.batch?.terminate.abort();
        }, KILL_GRACE_MS);
        killTimer.unref();
      };
      this.queue.push(call);
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });

  private flush(): void {
    this.scheduled = false;
    const free = this.o.pool.maxThreads - this.out;
    if (free <= 0 || this.queue.length === 0) return; // sent when a batch finishes
    const size = Math.min(BATCH_MAX, Math.ceil(this.queue.length / free));
    for (let i = 0; i < free && this.queue.length > 0; i++) this.send(this.queue.splice(0, size));
  }

  private send(calls: Call[]): void {
    const batch: Batch = { terminate: new AbortController(), open: new Map(calls.map((c) => [c.task.callId, c])) };
    for (const c of calls) {
      c.batch = batch;
      if (c.ended) batch.terminate.abort();
    }
    const { port1, port2 } = new (threads().MessageChannel)();
    const settle = (callId: number, result: HookResult) => {
      const c = batch.open.get(callId);
      if (!c) return;
      batch.open.delete(callId);
      c.resolve(result);
      if (batch.open.size === 0) port1.close();
    };
    port1.on('message', (msgs: HookBatchMessage) => {
      for (const m of msgs) settle(m.callId, m.result);
    });
    const leftovers = (error: (c: Call) => WfError) => {
      // Results posted before the task ended may still be on their way: give them a moment.
      setTimeout(() => {
        for (const c of [...batch.open.values()]) settle(c.task.callId, { outputs: null, error: error(c).toJSON(), logs: [] });
        port1.close();
      }, 50).unref();
    };
    this.out++;
    const finished = this.o.pool.run({ kind: 'hooks', calls: calls.map((c) => c.task), port: port2 }, batch.terminate.signal, [port2]);
    const next = () => {
      this.out--;
      this.flush();
    };
    finished.then(next, next);
    finished.then(
      () => {
        if (batch.open.size > 0) leftovers((c) => new WfError('E_HOOK_CRASH', `${c.task.uses}: its result was lost`, { loc: c.task.loc }));
      },
      (e: unknown) =>
        leftovers((c) =>
          c.ended
            ? new WfError('E_STAGE', `${c.task.uses} did not stop within ${KILL_GRACE_MS / 1000}s of being asked to; its worker thread was ended`, { loc: c.task.loc, hint: 'hooks should watch ctx.signal' })
            : batch.terminate.signal.aborted
              ? new WfError('E_STAGE', `${c.task.uses} was stopped: another hook in its worker thread ignored its signal and the thread was ended`, { loc: c.task.loc })
              : new WfError('E_HOOK_CRASH', `${c.task.uses} crashed its worker thread: ${describeThrown(e)}`, { loc: c.task.loc, hint: 'a hook must not call process.exit or leave errors unhandled' }),
        ),
    );
  }

  close(): void {
    this.channel?.close();
  }
}
