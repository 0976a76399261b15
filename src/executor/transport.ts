import type { HookResult, HookTask, SpawnRequest } from './protocol.js';
import type { ProcessExit } from './process-host.js';

/** Where a stage process or hook call comes from: the job it belongs to. */
export interface StageOwner {
  jobKey: string;
  stagePath: string;
}

/**
 * What the job runner needs from the outside world: processes for shell stages and a thread for
 * hook code. The run loop and job runner are tested with a fake one (no threads, no processes);
 * the local one is a process host plus the piscina pool; remote workers can implement it later.
 */
export interface JobTransport {
  spawn(
    request: SpawnRequest,
    owner: StageOwner,
    onData: (stream: 'stdout' | 'stderr', data: string) => void,
    signal: AbortSignal,
  ): Promise<ProcessExit>;
  /** Runs a hook; when `signal` aborts the hook's ctx.signal is aborted, and a hook that has not
   * stopped after a grace period has its worker thread ended (and replaced). */
  callHook(task: Omit<HookTask, 'kind' | 'callId'>, signal: AbortSignal): Promise<HookResult>;
}
