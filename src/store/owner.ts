import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { pidIsAlive } from './pid-alive.js';
import type { RunOwner, RunRecord } from './types.js';

/**
 * A run on another host is taken as interrupted when its owner's heartbeat is older than this
 * (the owner writes one every HEARTBEAT_MS); on this host the process itself is checked.
 */
export const HEARTBEAT_MS = 15_000;
export const STALE_HEARTBEAT_MS = 120_000;

let bootId: string | null | undefined;

/**
 * The identity of a live process: boot id + start time in clock ticks (Linux /proc), so a pid
 * reused by another process after a crash never matches. Null where /proc does not exist or the
 * process is gone.
 */
export function processStart(pid: number): string | null {
  try {
    bootId ??= readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime) counted after the command name, which may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return `${bootId}:${fields[19]}`;
  } catch {
    return null;
  }
}

export function currentOwner(): RunOwner {
  return { host: hostname(), pid: process.pid, start: processStart(process.pid) };
}

/** True while the process recorded as `owner` still runs (same host: pid and start identity). */
export function ownerProcessAlive(owner: RunOwner): boolean {
  if (!pidIsAlive(owner.pid)) return false;
  if (owner.start === null) return true;
  const now = processStart(owner.pid);
  return now === null || now === owner.start;
}

/**
 * The one rule for "is this running run still owned?": on this host, its process (identity
 * checked); on another host, a heartbeat newer than STALE_HEARTBEAT_MS. A v1 run has only a pid.
 */
export function runOwnerAlive(run: RunRecord, now = Date.now()): boolean {
  const owner = run.owner ?? (run.pid ? { host: hostname(), pid: run.pid, start: null } : null);
  if (!owner) return false;
  if (owner.host === hostname()) return ownerProcessAlive(owner);
  const beat = Date.parse(run.heartbeatAt ?? run.startedAt);
  return Number.isFinite(beat) && now - beat < STALE_HEARTBEAT_MS;
}
