import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
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
  if (dir) rmSync(dir, { recursive: true, force: true });
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
