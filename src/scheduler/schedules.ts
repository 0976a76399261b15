import type { Pipeline, SchedulePolicy } from '../model/types.js';

export type Schedule =
  | { kind: 'cron'; pipeline: string; key: string; cron: string; timezone: string; policy: SchedulePolicy }
  | { kind: 'after'; pipeline: string; key: string; upstream: string; status: 'success' | 'failure' | 'any'; policy: SchedulePolicy };

/**
 * A pipeline's schedules, each with a stable key derived from what it says (not its place in
 * `on:`, nor the name of the On template it came from), so reordering or renaming keeps the state
 * and claims of every schedule. Identical entries are one schedule.
 */
export function schedulesOf(p: Pipeline): Schedule[] {
  const out = new Map<string, Schedule>();
  for (const s of p.on) {
    if (s.after) {
      const key = `after:${s.after.pipeline}:${s.after.status}`;
      out.set(key, { kind: 'after', pipeline: p.name, key, upstream: s.after.pipeline, status: s.after.status, policy: p.schedule });
    } else if (s.cron) {
      const cron = s.cron.trim().split(/\s+/).join(' ');
      const key = `cron:${cron}@${s.timezone}`;
      out.set(key, { kind: 'cron', pipeline: p.name, key, cron, timezone: s.timezone, policy: p.schedule });
    }
  }
  return [...out.values()];
}

/** True if an upstream run's status is one an `after:` schedule names. */
export function afterMatches(want: 'success' | 'failure' | 'any', status: string): boolean {
  if (want === 'any') return status === 'success' || status === 'failed' || status === 'cancelled' || status === 'interrupted';
  return want === 'success' ? status === 'success' : status === 'failed';
}
