import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadedNativeSpawner, nativeSpawner, type SpawnedChild } from './native-spawn.js';
import type { SpawnRequest } from './protocol.js';

/** Between SIGTERM and SIGKILL when a stage is cancelled or times out. */
export const KILL_GRACE_MS = 2000;

export interface ProcessExit {
  code: number | null;
  signal: string | null;
  error?: string;
  /** The process never existed (exec failed): nothing ran. */
  notStarted?: boolean;
}

export interface SpawnHooks {
  onData(stream: 'stdout' | 'stderr', data: string): void;
  /** Aborting stops the process group: SIGTERM, then SIGKILL after KILL_GRACE_MS. */
  signal?: AbortSignal;
  /** Called once the group exists (to record it) and once it is gone. */
  onStart?(pid: number): void;
  onEnd?(pid: number): void;
}

/**
 * Starts stage processes, each as the leader of its own process group, and owns every group: a
 * stage ends when its script exits and whatever it left running in its group is killed then; a
 * cancel or timeout kills the whole group; `killAll` is the last word on exit.
 */
export class ProcessHost {
  private readonly live = new Set<SpawnedChild>();

  /** `native: false` always uses child_process (the fallback where posix_spawn is not available). */
  constructor(private readonly options: { native?: boolean } = {}) {}

  async spawn(request: SpawnRequest, hooks: SpawnHooks): Promise<ProcessExit> {
    if (hooks.signal?.aborted) return { code: null, signal: 'SIGTERM' };
    const native = this.options.native === false ? null : nativeSpawner();
    let child: SpawnedChild;
    try {
      // posix_spawn has the child create the output file (off this thread when the spawn is); a fork creates it here.
      if (!native && request.outputFile !== undefined) writeFileSync(request.outputFile, '', { mode: 0o600 });
      // detached: the script and everything it starts share one process group we can kill as a whole.
      child = native
        ? await native.spawn(request, this.live.size === 0)
        : (spawn(request.cmd, request.args, { argv0: request.argv0, env: request.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'], cwd: request.cwd }) as SpawnedChild);
    } catch (e) {
      // e.g. E2BIG (an environment larger than the OS allows): the stage fails, the run goes on.
      return { code: null, signal: null, error: (e as Error).message, notStarted: true };
    }
    return this.watch(child, hooks);
  }

  private watch(child: SpawnedChild, hooks: SpawnHooks): Promise<ProcessExit> {
    return new Promise((resolve) => {
      const pid = child.pid;
      if (pid !== undefined) {
        this.live.add(child);
        try {
          hooks.onStart?.(pid);
        } catch (e) {
          // It could not be recorded (the store failed): it must not run unrecorded.
          signalGroup(child, 'SIGKILL');
          child.once('close', () => {
            this.live.delete(child);
            resolve({ code: null, signal: null, error: `not started: ${(e as Error).message}` });
          });
          return;
        }
      }
      let killTimer: NodeJS.Timeout | undefined;
      const onAbort = () => {
        signalGroup(child, 'SIGTERM');
        killTimer = setTimeout(() => signalGroup(child, 'SIGKILL'), KILL_GRACE_MS);
        killTimer.unref();
      };
      // Aborted while a posix_spawn was under way: the group is stopped as soon as it exists.
      if (hooks.signal?.aborted) onAbort();
      else hooks.signal?.addEventListener('abort', onAbort, { once: true });
      if (child.onOutput) child.onOutput(hooks.onData);
      else {
        child.stdout!.setEncoding('utf8').on('data', (data: string) => hooks.onData('stdout', data));
        child.stderr!.setEncoding('utf8').on('data', (data: string) => hooks.onData('stderr', data));
      }
      let exit: ProcessExit | undefined;
      let done = false;
      const finish = (result: ProcessExit) => {
        if (done) return;
        done = true;
        clearTimeout(killTimer);
        hooks.signal?.removeEventListener('abort', onAbort);
        this.live.delete(child);
        if (pid !== undefined) hooks.onEnd?.(pid);
        resolve(result);
      };
      child.on('error', (e) => finish({ code: null, signal: null, error: e.message, ...(pid === undefined && { notStarted: true }) }));
      // The shell has exited: what it left in its group (`sleep 30 &`) is killed now, which also
      // closes the pipes such leftovers hold, so 'close' follows at once.
      child.on('exit', (code, signal) => {
        exit = { code, signal };
        signalGroup(child, 'SIGKILL');
      });
      child.on('close', (code, signal) => finish(exit ?? { code, signal }));
    });
  }

  /** SIGKILL to every group still running (a forced exit). */
  killAll(): void {
    for (const child of this.live) signalGroup(child, 'SIGKILL');
    if (this.options.native !== false) loadedNativeSpawner()?.killStarting();
  }

  get running(): number {
    return this.live.size;
  }
}

function signalGroup(child: SpawnedChild, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  if (child.signalGroup) return child.signalGroup(signal);
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is already gone
  }
}
