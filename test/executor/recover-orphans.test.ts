import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { recoverInterrupted } from '../../src/executor/recover.js';
import { currentOwner, newRunId, openStore, processStart, type ProcessRecord, type Store } from '../../src/store/index.js';
import { run, storedProcesses, tmpDir } from '../store/helpers.js';

// What a run killed with -9 left behind is found again through the store (src/executor/orphans.ts).
// Linux only: process identity and WF_RUN_ID come from /proc.

let store: Store | undefined;
const started: ChildProcess[] = [];

afterEach(() => {
  store?.close();
  store = undefined;
  for (const child of started.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    try {
      process.kill(-child.pid!, 'SIGKILL'); // each was started in its own process group
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
});

/** A command in its own process group (like the executor starts stage processes), optionally carrying WF_RUN_ID. */
async function startGroup(command: string, args: string[], runId?: string): Promise<ChildProcess> {
  const env = { ...process.env };
  delete env.WF_RUN_ID;
  if (runId !== undefined) env.WF_RUN_ID = runId;
  const child = spawn(command, args, { detached: true, stdio: ['ignore', 'pipe', 'ignore'], env });
  started.push(child);
  await once(child, 'spawn');
  return child;
}

/** Resolves with the signal that ended the child, or 'running' if it still runs after `ms`. */
function endedWithin(child: ChildProcess, ms: number): Promise<string> {
  if (child.signalCode !== null || child.exitCode !== null) return Promise.resolve(child.signalCode ?? `exit ${child.exitCode}`);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('running'), ms);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(signal ?? `exit ${code}`);
    });
  });
}

/** True while the pid runs (a zombie waiting for its parent to reap it counts as ended). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false; // no /proc entry: the process is gone
  }
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 20))) {
    if (check()) return true;
  }
  return check();
}

function record(runId: string, child: ChildProcess, over: Partial<ProcessRecord> = {}): ProcessRecord {
  return { runId, jobKey: 'a', stagePath: '0', pid: child.pid!, start: processStart(child.pid!), host: hostname(), ...over };
}

/** A pid that belonged to a process which has exited. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' }).stdout.trim());
}

describe.runIf(processStart(process.pid) !== null)('recoverInterrupted kills what a dead run left running', () => {
  it('kills the recorded process groups and the processes carrying the run id', async () => {
    const dir = tmpDir();
    store = openStore(dir);
    const id = newRunId();
    // Recorded, in its own group, with the run id in its environment (as the executor starts one).
    const recorded = await startGroup('sleep', ['30'], id);
    // Recorded, no run id: the shell leads a group whose background sleep must die too.
    const shell = await startGroup('sh', ['-c', 'sleep 30 & echo $!; wait']);
    const [line] = (await once(shell.stdout!, 'data')) as [Buffer];
    const grandchild = Number(line.toString().trim());
    // Started but not recorded yet when the owner died: found by its WF_RUN_ID.
    const unrecorded = await startGroup('sleep', ['30'], id);

    store.apply([
      { op: 'run', run: run({ id, owner: { host: hostname(), pid: deadPid(), start: 'boot:1' } }) },
      { op: 'proc', proc: record(id, recorded) },
      { op: 'proc', proc: record(id, shell) },
    ]);
    expect(running(recorded.pid!) && running(grandchild) && running(unrecorded.pid!)).toBe(true);

    expect(recoverInterrupted(store)).toEqual([id]);
    expect(await endedWithin(recorded, 1_000)).toBe('SIGKILL');
    expect(await endedWithin(shell, 1_000)).toBe('SIGKILL');
    expect(await endedWithin(unrecorded, 1_000)).toBe('SIGKILL');
    expect(await until(() => !running(grandchild), 1_000)).toBe(true);
    expect(store.getRun(id)?.status).toBe('interrupted');
    expect(storedProcesses(dir)).toEqual([]);
  });

  it('signals no process whose start identity differs from the record, of another host, or of a live run', async () => {
    store = openStore(tmpDir());
    const gone = newRunId();
    const live = newRunId();
    // A pid reused by an unrelated process: same pid as recorded, another start identity.
    const reused = await startGroup('sleep', ['30']);
    // The recorded pid is another host's: on this host it names an unrelated process.
    const foreign = await startGroup('sleep', ['30']);
    // A process of a run whose owner (this process) is alive.
    const ofLiveRun = await startGroup('sleep', ['30'], live);

    store.apply([
      { op: 'run', run: run({ id: gone, owner: { host: hostname(), pid: deadPid(), start: 'boot:1' } }) },
      { op: 'run', run: run({ id: live, owner: currentOwner() }) },
      { op: 'proc', proc: record(gone, reused, { start: `${processStart(reused.pid!)}0` }) },
      { op: 'proc', proc: record(gone, foreign, { host: `not-${hostname()}` }) },
      { op: 'proc', proc: record(live, ofLiveRun) },
    ]);

    expect(recoverInterrupted(store)).toEqual([gone]);
    expect(await Promise.all([reused, foreign, ofLiveRun].map((c) => endedWithin(c, 300)))).toEqual(['running', 'running', 'running']);
    expect(store.getRun(live)?.status).toBe('running');

    for (const child of [reused, foreign, ofLiveRun]) process.kill(-child.pid!, 'SIGKILL');
    expect(await endedWithin(reused, 1_000)).toBe('SIGKILL');
  });
});
