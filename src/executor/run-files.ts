import { chmodSync, closeSync, mkdtempSync, openSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
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
 * A new path for a stage's `$WF_OUTPUT`. Whoever starts the process opens it with O_CREAT|O_TRUNC
 * (SpawnRequest.outputFile), so it exists and is empty whatever another stage did in the folder;
 * but making a new file there cost ~40 µs inside the spawn (between the new process's vfork and its
 * exec, with wf waiting), on the critical path of every job of a chain: so the next one is made
 * while this stage's process runs. A path is never given twice: a process that outlived its stage
 * (started with setsid) and still writes to its old `$WF_OUTPUT` never writes into a later stage's.
 */
export function takeOutputFile(runId: string): string {
  const dir = runTempDir(runId);
  let ready = spares.get(runId);
  if (!ready) spares.set(runId, (ready = []));
  const spare = ready.pop();
  if (ready.length === 0) setImmediate(makeSpare, runId, dir);
  return spare ?? join(dir, `output-${process.pid}-${++outputFiles}`);
}

/** Removes a stage's `$WF_OUTPUT` once read (unlink, without the lstat rmSync makes first). */
export function removeOutputFile(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone (the script removed it), or never made (its process did not start)
  }
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
