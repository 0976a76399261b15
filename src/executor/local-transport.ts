import { BroadcastChannel } from 'node:worker_threads';
import { describeThrown, WfError } from '../errors/index.js';
import type { WorkerPool } from './pool.js';
import { KILL_GRACE_MS, ProcessHost } from './process-host.js';
import { HOOK_CHANNEL, type HookCancel, type HookResult } from './protocol.js';
import type { JobTransport } from './transport.js';

export interface LocalTransportOptions {
  pool: WorkerPool;
  host?: ProcessHost;
  /** Records each process group a stage starts, and its end (write-ahead for kill -9 recovery). */
  onProcess?(event: { pid: number; jobKey: string; stagePath: string; ended: boolean }): void;
}

/** Shell stages spawn from this (main) thread; hook code runs in the piscina pool. */
export class LocalTransport implements JobTransport {
  readonly host: ProcessHost;
  private readonly channel = new BroadcastChannel(HOOK_CHANNEL);
  private nextCall = 1;

  constructor(private readonly o: LocalTransportOptions) {
    this.host = o.host ?? new ProcessHost();
    this.channel.unref();
  }

  spawn: JobTransport['spawn'] = (request, owner, onData, signal) =>
    this.host.spawn(request, {
      onData,
      signal,
      onStart: (pid) => this.o.onProcess?.({ pid, ...owner, ended: false }),
      onEnd: (pid) => this.o.onProcess?.({ pid, ...owner, ended: true }),
    });

  callHook: JobTransport['callHook'] = async (task, signal) => {
    const callId = this.nextCall++;
    const terminate = new AbortController();
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      this.channel.postMessage({ cancel: callId } satisfies HookCancel);
      // A hook that ignores ctx.signal: its thread is ended (piscina replaces it).
      killTimer = setTimeout(() => terminate.abort(), KILL_GRACE_MS);
      killTimer.unref();
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    try {
      return (await this.o.pool.run({ kind: 'hook', callId, ...task }, terminate.signal)) as HookResult;
    } catch (e) {
      const error = terminate.signal.aborted
        ? new WfError('E_STAGE', `${task.uses} did not stop within ${KILL_GRACE_MS / 1000}s of being asked to; its worker thread was ended`, { loc: task.loc, hint: 'hooks should watch ctx.signal' })
        : new WfError('E_HOOK_CRASH', `${task.uses} crashed its worker thread: ${describeThrown(e)}`, { loc: task.loc, hint: 'a hook must not call process.exit or leave errors unhandled' });
      return { outputs: null, error: error.toJSON(), logs: [] };
    } finally {
      clearTimeout(killTimer);
      signal.removeEventListener('abort', onAbort);
    }
  };

  close(): void {
    this.channel.close();
  }
}
