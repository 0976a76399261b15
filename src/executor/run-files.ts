import { chmodSync, closeSync, mkdtempSync, openSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dirs = new Map<string, string>();
const prefix = (runId: string) => `wf-${runId}-`;

/**
 * The run's private folder for `$WF_OUTPUT` files and scripts (mode 0700; its files 0600): a
 * secret written to an output file is never readable by other users, and nothing is left behind:
 * the folder goes when the run ends, and after a kill -9 the next wf command sweeps it.
 */
export function runTempDir(runId: string): string {
  let dir = dirs.get(runId);
  if (!dir) {
    dir = mkdtempSync(join(tmpdir(), prefix(runId)));
    chmodSync(dir, 0o700);
    dirs.set(runId, dir);
  }
  return dir;
}

export function removeRunTempDir(runId: string): void {
  const dir = dirs.get(runId);
  dirs.delete(runId);
  spares.delete(runId);
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/** `$WF_OUTPUT` files made ahead, by run: empty, 0600, never handed out yet. */
const spares = new Map<string, string[]>();
const SPARES_MAX = 4;
let outputFiles = 0;

/**
 * A path for a stage's `$WF_OUTPUT`, and whether the file is there already. Creating it costs
 * ~40 µs inside the spawn (the new process creates it before its exec, with wf waiting for the
 * exec): on the critical path of every job of a chain. So the next one is made ahead, while this
 * stage's process runs; whoever starts a process creates its file when none was ready.
 */
export function takeOutputFile(runId: string): { path: string; ready: boolean } {
  const dir = runTempDir(runId);
  let ready = spares.get(runId);
  if (!ready) spares.set(runId, (ready = []));
  const spare = ready.pop();
  if (ready.length === 0) setImmediate(makeSpare, runId, dir);
  return spare ? { path: spare, ready: true } : { path: join(dir, `output-${process.pid}-${++outputFiles}`), ready: false };
}

function makeSpare(runId: string, dir: string): void {
  const ready = spares.get(runId);
  if (!ready || dirs.get(runId) !== dir || ready.length >= SPARES_MAX) return; // the run has ended
  const path = join(dir, `output-${process.pid}-${++outputFiles}`);
  try {
    closeSync(openSync(path, 'wx', 0o600));
    ready.push(path);
  } catch {
    // the folder is gone or full: the stage's process creates its file
  }
}

/** Removes what runs that died left in the temp folder. */
export function sweepRunTempDirs(runIds: readonly string[]): void {
  if (runIds.length === 0) return;
  let entries: string[];
  try {
    entries = readdirSync(tmpdir());
  } catch {
    return;
  }
  for (const name of entries) {
    if (runIds.some((id) => name.startsWith(prefix(id)))) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}
