import { readdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { processStart } from '../store/owner.js';
import type { ProcessRecord } from '../store/types.js';

/**
 * Kills what interrupted runs left behind (their owner died by kill -9): each recorded process
 * group whose leader is still the same process (start identity checked, so a reused pid is never
 * signalled), and any process still carrying one of the runs' `WF_RUN_ID` in its environment
 * (which also catches a group started in the instant before it was recorded). Returns the pids.
 */
export function killOrphans(runIds: readonly string[], recorded: readonly ProcessRecord[]): number[] {
  if (runIds.length === 0) return [];
  const killed: number[] = [];
  const host = hostname();
  for (const p of recorded) {
    if (p.host !== host || p.pid <= 1) continue;
    // Only a process whose identity is known and still the same is signalled: a pid may be reused.
    const now = processStart(p.pid);
    if (now === null || p.start === null || now !== p.start) continue;
    if (kill(-p.pid) || kill(p.pid)) killed.push(p.pid);
  }
  for (const pid of processesOfRuns(runIds)) {
    if (killed.includes(pid)) continue;
    if (kill(pid)) killed.push(pid);
  }
  return killed;
}

function kill(pid: number): boolean {
  try {
    process.kill(pid, 'SIGKILL');
    return true;
  } catch {
    return false;
  }
}

/** Pids whose environment holds `WF_RUN_ID=<one of ids>` (Linux /proc; nothing elsewhere). */
function processesOfRuns(ids: readonly string[]): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const wanted = ids.map((id) => `WF_RUN_ID=${id}`);
  const found: number[] = [];
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid) continue;
    let environ: string;
    try {
      environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
    } catch {
      continue; // gone, or not ours to read
    }
    if (environ.split('\0').some((v) => wanted.includes(v))) found.push(pid);
  }
  return found;
}
