import { WfError } from '../errors/index.js';

const RANDOM_CHARS = 8;

/**
 * A run id that sorts by creation time: 8 base36 chars of epoch milliseconds (fixed width until
 * 2059) then 8 base36 chars of 40 random bits, all lowercase, safe in URLs and shells. Two runs
 * created in the same millisecond collide once in ~10^12; run creation is a plain insert, so even
 * then they fail loudly instead of merging. The bits come from Math.random (seeded from the OS per
 * process): an id is not a secret, and node:crypto would cost every start ~5 ms to load.
 * @example newRunId(new Date('2025-01-01T00:00:00Z')) // 'm5d4ruo0' + 8 random chars, e.g. 'm5d4ruo0k3z9x1qa'
 */
export function newRunId(now: Date = new Date()): string {
  const ms = now.getTime();
  if (!Number.isFinite(ms) || ms < 0) throw new WfError('E_INTERNAL', `newRunId: bad date ${String(now)}`);
  const time = ms.toString(36).padStart(8, '0');
  const random = Math.floor(Math.random() * 2 ** 40).toString(36).padStart(RANDOM_CHARS, '0');
  return time + random;
}
