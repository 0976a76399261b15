import { formatDuration } from '../model/duration.js';
import type { SchedulePolicy } from '../model/types.js';
import type { Fire } from './cron.js';

/** A due release is on time when it is at most this late (the cron's own unit). */
export const ON_TIME_MS = 60_000;

export interface Decision {
  run: Fire[];
  skip: Array<{ fire: Fire; reason: string }>;
}

/**
 * Which due releases run (pure): `skip-delayed-by` drops those later than allowed, then `catchup`
 * decides about the missed ones (later than ON_TIME_MS): `latest` runs the newest only, `all` runs
 * every one, `none` runs none. Every release not run has its reason.
 */
export function decide(due: Fire[], now: number, policy: SchedulePolicy): Decision {
  const run: Fire[] = [];
  const skip: Decision['skip'] = [];
  const kept: Fire[] = [];
  for (const f of due) {
    const late = now - Date.parse(f.instant);
    if (policy.skipDelayedByMs !== null && late > policy.skipDelayedByMs) {
      skip.push({ fire: f, reason: `late by ${formatDuration(late)}, more than skip-delayed-by ${formatDuration(policy.skipDelayedByMs)}` });
    } else kept.push(f);
  }
  const missed = kept.filter((f) => now - Date.parse(f.instant) > ON_TIME_MS);
  const onTime = kept.filter((f) => now - Date.parse(f.instant) <= ON_TIME_MS);
  if (policy.catchup === 'all') run.push(...missed);
  else if (policy.catchup === 'none') for (const f of missed) skip.push({ fire: f, reason: 'missed while no scheduler ran (catchup: none)' });
  else {
    // latest: of everything due, only the newest runs
    const newest = onTime.length > 0 ? null : missed[missed.length - 1];
    for (const f of missed) {
      if (f === newest) run.push(f);
      else skip.push({ fire: f, reason: 'missed while no scheduler ran; a later release runs instead (catchup: latest)' });
    }
  }
  run.push(...onTime);
  return { run, skip };
}
