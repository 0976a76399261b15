import { createRequire } from 'node:module';
import type { BroadcastChannel, MessagePort } from 'node:worker_threads';
import { describeThrown, WfError } from '../errors/index.js';
import type { WorkerPool } from './pool.js';
import { KILL_GRACE_MS, ProcessHost } from './process-host.js';
import { HOOK_CHANNEL, type HookBatchCalls, type HookBatchMessage, type HookCancel, type HookResult, type HookTask } from './protocol.js';
import type { JobTransport } from './transport.js';

export interface LocalTransportOptions {
  pool: WorkerPool;
  host?: ProcessHost;
  /** Records each process group a stage starts, and its end (write-ahead for kill -9 recovery). */
  onProcess?(event: { pid: number; jobKey: string; stagePath: string; ended: boolean }): void;
}

/**
 * Calls open in one batch at most: a batch that must be ended (a hook ignoring its signal) ends
 * them all.
 */
const BATCH_MAX = 32;
/**
 * Calls sent to one batch in all before it takes no more and ends: its thread is then offered to
 * whoever waits in piscina's queue (another run sharing the pool in `wf schedule`).
 */
const BATCH_CALLS = 1024;
/** How long a call is kept for a batch whose thread has not started it (a booting thread takes ~50-250 ms). */
const START_WAIT_MS = 1000;

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

/** One piscina task on one thread; it takes calls while it is in `batches`, and ends when told. */
interface Batch {
  terminate: AbortController;
  open: Map<number, Call>;
  port: MessagePort;
  /** Calls sent to it in all. */
  sent: number;
  /** Told to end. */
  ending?: boolean;
  /**
   * A result has come back since calls were last sent to it: its thread is not stuck in a hook that
   * blocks it (a long synchronous loop), so a new call there starts soon. A call waits for a thread
   * rather than join one that has not answered.
   */
  answered: boolean;
  /** Its piscina task has begun on a thread (which may have had to boot first). */
  started: boolean;
  createdAt: number;
}

/**
 * Shell stages spawn from this (main) thread; hook code runs in the piscina pool. Hook calls go to
 * the threads in batches: one piscina task per thread, which stays open while it has work. Calls
 * made in one tick travel in one message, results come back several per message as they settle,
 * and the next calls join the open batch at once, with no task to finish and start between them:
 * thousands of short hook stages cost two messages per tick, not a task each. A batch with no
 * call left when the run has no more to send is told to end, which frees its thread.
 */
export class LocalTransport implements JobTransport {
  readonly host: ProcessHost;
  /** Cancels go to every thread; opened at the first one. */
  private channel: BroadcastChannel | undefined;
  private nextCall = 1;
  private queue: Call[] = [];
  private scheduled = false;
  /** Looks again when the calls kept for starting batches may go elsewhere. */
  private lapse: NodeJS.Timeout | undefined;
  /** Batches taking calls. */
  private batches: Batch[] = [];
  /** Batches started and not yet finished (their piscina task has not settled). */
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
          if (call.batch) this.kill(call.batch);
        }, KILL_GRACE_MS);
        killTimer.unref();
      };
      this.queue.push(call);
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.schedule();
    });

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  /**
   * Sends what waits: each call to the started batch with the fewest calls open (among those that
   * have answered), starting a batch on a free thread while every open one is busy. A batch takes
   * calls only once its thread has started it: while one is starting (its thread may be booting and
   * loading tsx and the hook, ~50-250 ms here), one call per starting batch is left for whichever
   * comes first, that start or a busy batch answering; the other calls go to started batches as
   * usual. The reservation lapses after START_WAIT_MS (a batch queued behind other runs' in
   * piscina). Then ends the batches with nothing to do.
   */
  private flush(): void {
    this.scheduled = false;
    const sends = new Map<Batch, HookTask[]>();
    const now = Date.now();
    let waiting = 0;
    while (this.queue.length > waiting) {
      let batch = this.pick();
      if (!batch || batch.open.size > 0) {
        if (this.out < this.o.pool.maxThreads) this.start(now);
        if (waiting < this.starting(now)) {
          waiting++;
          continue;
        }
      }
      if (!batch) break; // sent when a call settles or a batch starts or finishes
      const [call] = this.queue.splice(waiting, 1) as [Call];
      call.batch = batch;
      batch.open.set(call.task.callId, call);
      if (++batch.sent >= BATCH_CALLS) this.retire(batch); // ends when its last call settles
      let tasks = sends.get(batch);
      if (!tasks) sends.set(batch, (tasks = []));
      tasks.push(call.task);
    }
    for (const [batch, calls] of sends) {
      batch.answered = false;
      batch.port.postMessage({ calls } satisfies HookBatchCalls);
    }
    if (this.queue.length === 0) {
      for (const batch of [...this.batches]) if (batch.open.size === 0) this.end(batch);
    } else if (waiting > 0) {
      // Calls wait for a start: look again when the reservation lapses, if nothing comes first.
      const lapse = Math.min(...this.batches.filter((b) => !b.started).map((b) => b.createdAt + START_WAIT_MS)) - now;
      this.lapse ??= setTimeout(() => {
        this.lapse = undefined;
        this.schedule();
      }, Math.max(1, lapse)).unref();
    }
  }

  /** Batches whose thread has not started them yet, for less than START_WAIT_MS. */
  private starting(now: number): number {
    let n = 0;
    for (const b of this.batches) if (!b.started && now - b.createdAt < START_WAIT_MS) n++;
    return n;
  }

  /** The started batch with the fewest calls open that can take one: it has answered since it was last sent calls (or has none open), and is not full. */
  private pick(): Batch | undefined {
    let batch: Batch | undefined;
    for (const b of this.batches) {
      if (b.started && (b.answered || b.open.size === 0) && b.open.size < BATCH_MAX && (!batch || b.open.size < batch.open.size)) batch = b;
    }
    return batch;
  }

  private start(now: number): Batch {
    const { port1, port2 } = new (threads().MessageChannel)();
    const batch: Batch = { terminate: new AbortController(), open: new Map(), port: port1, sent: 0, answered: true, started: false, createdAt: now };
    this.batches.push(batch);
    port1.on('message', (msgs: HookBatchMessage) => {
      if (msgs.length === 0) {
        batch.started = true;
        if (this.queue.length > 0) this.schedule();
        return;
      }
      batch.answered = true;
      for (const m of msgs) this.settle(batch, m.callId, m.result);
    });
    const leftovers = (error: (c: Call) => WfError) => {
      // Results posted before the task ended may still be on their way: give them a moment.
      setTimeout(() => {
        for (const c of [...batch.open.values()]) this.settle(batch, c.task.callId, { outputs: null, error: error(c).toJSON(), logs: [] });
        port1.close();
      }, 50).unref();
    };
    this.out++;
    const finished = this.o.pool.run({ kind: 'hooks', port: port2 }, batch.terminate.signal, [port2]);
    const next = () => {
      this.out--;
      this.retire(batch);
      this.flush();
    };
    finished.then(next, next);
    finished.then(
      () => {
        if (batch.open.size > 0) leftovers((c) => new WfError('E_HOOK_CRASH', `${c.task.uses}: its result was lost`, { loc: c.task.loc }));
        else port1.close();
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
    return batch;
  }

  private settle(batch: Batch, callId: number, result: HookResult): void {
    const c = batch.open.get(callId);
    if (!c) return;
    batch.open.delete(callId);
    c.resolve(result);
    if (batch.open.size > 0) {
      if (this.queue.length > 0) this.schedule();
    } else if (this.batches.includes(batch)) {
      this.schedule(); // ended unless the calls this result lets the run make join it first
    } else this.end(batch);
  }

  /** Takes no more calls (the ones it has run on). */
  private retire(batch: Batch): void {
    const i = this.batches.indexOf(batch);
    if (i >= 0) this.batches.splice(i, 1);
  }

  private end(batch: Batch): void {
    this.retire(batch);
    if (batch.ending || batch.terminate.signal.aborted) return;
    batch.ending = true;
    batch.port.postMessage({ end: true } satisfies HookBatchCalls);
  }

  /** Ends the batch's thread (piscina replaces it); its open calls fail. */
  private kill(batch: Batch): void {
    this.retire(batch);
    batch.terminate.abort();
  }

  close(): void {
    this.channel?.close();
  }
}
