import { spawn, type ChildProcess } from 'node:child_process';
import type { MessagePort } from 'node:worker_threads';
import type { MainMessage, SpawnRequest } from './protocol.js';

const KILL_GRACE_MS = 3000;

/**
 * Starts the processes shell stages ask for, each in its own process group, streams their output
 * back to the asking worker, and kills whole groups on cancel.
 */
export class ProcessHost {
  private readonly byOwner = new Map<string, Set<ChildProcess>>();

  spawn(owner: string, id: number, request: SpawnRequest, port: MessagePort): void {
    const send = (m: MainMessage) => port.postMessage(m);
    let child: ChildProcess;
    try {
      // detached: the script and everything it starts share one process group we can kill as a whole.
      child = spawn(request.cmd, request.args, { env: request.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      // e.g. E2BIG (an environment larger than the OS allows): the stage fails, the run goes on.
      send({ t: 'proc-exit', id, code: null, signal: null, error: (e as Error).message });
      return;
    }
    const set = this.byOwner.get(owner) ?? new Set();
    this.byOwner.set(owner, set);
    set.add(child);
    child.stdout!.setEncoding('utf8').on('data', (data: string) => send({ t: 'proc-out', id, stream: 'stdout', data }));
    child.stderr!.setEncoding('utf8').on('data', (data: string) => send({ t: 'proc-out', id, stream: 'stderr', data }));
    let done = false;
    const finish = (m: MainMessage) => {
      if (done) return;
      done = true;
      set.delete(child);
      send(m);
    };
    child.on('error', (e) => finish({ t: 'proc-exit', id, code: null, signal: null, error: e.message }));
    child.on('close', (code, signal) => finish({ t: 'proc-exit', id, code, signal }));
  }

  /** SIGTERM to every process group of `owner` (or all owners), SIGKILL after a grace period. */
  kill(owner?: string): void {
    const children = owner ? [...(this.byOwner.get(owner) ?? [])] : [...this.byOwner.values()].flatMap((s) => [...s]);
    for (const child of children) {
      signalGroup(child, 'SIGTERM');
      setTimeout(() => signalGroup(child, 'SIGKILL'), KILL_GRACE_MS).unref();
    }
  }

  /** Last resort on a second Ctrl-C or exit: SIGKILL everything still running. */
  killNow(): void {
    for (const set of this.byOwner.values()) for (const child of set) signalGroup(child, 'SIGKILL');
  }

  get running(): number {
    let n = 0;
    for (const set of this.byOwner.values()) n += set.size;
    return n;
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is already gone
  }
}
