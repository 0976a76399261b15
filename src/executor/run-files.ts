import { chmodSync, closeSync, mkdtempSync, openSync, readdirSync, rmSync, unlinkSync, type Stats } from 'node:fs';
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

/** `$WF_OUTPUT` files there for a stage to use, by run: made empty, 0600, with one link. */
const spares = new Map<string, string[]>();
const SPARES_MAX = 8;
let outputFiles = 0;

/**
 * A path for a stage's `$WF_OUTPUT`. Whoever starts the process opens it with O_CREAT|O_TRUNC
 * (SpawnRequest.outputFile), so it exists and is empty whatever another stage did in the folder;
 * but making a new file there cost ~40 µs inside the spawn (between the new process's vfork and its
 * exec, with wf waiting), and removing it ~15 µs, on the critical path of every job of a chain. So
 * a file a stage left as it got it (most write no outputs) is given to the next stage
 * (returnOutputFile), and when none is there one is made while this stage's process runs.
 */
export function takeOutputFile(runId: string): string {
  const dir = runTempDir(runId);
  let ready = spares.get(runId);
  if (!ready) spares.set(runId, (ready = []));
  const spare = ready.pop();
  if (spare) return spare;
  setImmediate(makeSpare, runId, dir);
  return join(dir, `output-${process.pid}-${++outputFiles}`);
}

/**
 * Takes back a stage's `$WF_OUTPUT` once it has been read (`stat`: its lstat then): kept for the
 * next stage when it is as it was made (a regular empty 0600 file with one link; the stage's
 * process group is gone), removed otherwise.
 */
export function returnOutputFile(runId: string, path: string, stat: Stats | undefined): void {
  const ready = spares.get(runId);
  const pristine = stat !== undefined && stat.isFile() && stat.size === 0 && (stat.mode & 0o777) === 0o600 && stat.nlink === 1;
  if (pristine && ready && ready.length < SPARES_MAX && dirs.has(runId)) {
    ready.push(path);
    return;
  }
  try {
    unlinkSync(path); // without the lstat rmSync makes first
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
