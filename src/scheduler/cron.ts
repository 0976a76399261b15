import { createRequire } from 'node:module';
import type { DateTime as LuxonDateTime } from 'luxon';
import { lux } from '../model/luxon.js';

const require = createRequire(import.meta.url);
type CronParser = typeof import('cron-parser');
let cronParser: CronParser | undefined;
const parser = () => (cronParser ??= require('cron-parser') as CronParser);

/** A release instant of a schedule: UTC, and as written in the schedule's zone (ISO 8601 with offset). */
export interface Fire {
  instant: string;
  local: string;
}

/** A wall time the cron names that does not exist that day (clocks jump over it). */
export interface DstSkip {
  instant: string;
  reason: string;
}

interface Fields {
  minute: number[];
  hour: number[];
  dayOfMonth: Array<number | string>;
  month: number[];
  dayOfWeek: Array<number | string>;
  domAny: boolean;
  dowAny: boolean;
}

/**
 * The one cron evaluator of wf (the loader's check, `wf list`, the scheduler, `--plan`, backfill):
 * 5 fields or @hourly … @yearly, evaluated in an IANA zone with cron-parser; Vixie's rule (day of
 * month OR day of week when both are restricted); DST-correct: a wall time that does not exist that
 * day is skipped (and said so), one that repeats fires once.
 */
export class CronSchedule {
  private readonly fields: Fields;
  /** A fixed-offset zone (UTC, +07:00) has no daylight saving time: no wall time to skip or repeat. */
  private readonly fixed: boolean;
  private readonly expr: ReturnType<CronParser['CronExpressionParser']['parse']>;

  constructor(
    readonly cron: string,
    readonly timezone: string,
  ) {
    const expr = parser().CronExpressionParser.parse(cron.trim(), { tz: timezone, strict: false });
    this.expr = expr;
    const f = expr.fields;
    this.fields = {
      minute: [...f.minute.values] as number[],
      hour: [...f.hour.values] as number[],
      dayOfMonth: [...f.dayOfMonth.values],
      month: [...f.month.values] as number[],
      dayOfWeek: [...f.dayOfWeek.values].map((d) => (d === 7 ? 0 : d)),
      domAny: f.dayOfMonth.isWildcard,
      dowAny: f.dayOfWeek.isWildcard,
    };
    this.fixed = lux().Info.normalizeZone(timezone)?.isUniversal ?? false;
  }

  /** Releases in `(from, to]`, in order, at most `limit`, with the DST-skipped wall times. */
  between(from: Date, to: Date, limit = 100_000): { fires: Fire[]; skipped: DstSkip[] } {
    const fires: Fire[] = [];
    const skipped: DstSkip[] = [];
    // One parsed expression per schedule, rewound for each window (parsing costs more than iterating).
    const expr = this.expr;
    expr.reset(from);
    const seen = new Set<string>();
    while (fires.length < limit) {
      let d: Date;
      try {
        d = expr.next().toDate();
      } catch {
        break; // no further date (an impossible day such as 30 Feb)
      }
      if (d.getTime() <= from.getTime()) continue;
      if (d.getTime() > to.getTime()) break;
      const local = lux().DateTime.fromJSDate(d, { zone: this.timezone });
      if (this.fixed) {
        fires.push({ instant: d.toISOString(), local: local.toISO({ suppressMilliseconds: true })! });
        continue;
      }
      if (!this.matches(local)) {
        // cron-parser moved a wall time that does not exist (spring forward) to a later one.
        skipped.push({ instant: d.toISOString(), reason: `${this.cron} names a wall time that does not exist on ${local.toISODate()} in ${this.timezone} (daylight saving time): skipped` });
        continue;
      }
      const wall = local.toFormat("yyyy-MM-dd'T'HH:mm");
      // A repeated wall time (fall back) fires once, at its first occurrence: the same wall time
      // an hour (or half an hour) earlier means this is the second.
      if (seen.has(wall) || this.repeated(d, wall)) continue;
      seen.add(wall);
      fires.push({ instant: d.toISOString(), local: local.toISO({ suppressMilliseconds: true })! });
    }
    return { fires, skipped };
  }

  /** The first release after `from`, or null if none within ~5 years. */
  next(from: Date): Fire | null {
    let start = from;
    for (let i = 0; i < 5; i++) {
      const end = new Date(start.getTime() + 366 * 86_400_000);
      const { fires } = this.between(start, end, 1);
      if (fires[0]) return fires[0];
      start = end;
    }
    return null;
  }

  private repeated(d: Date, wall: string): boolean {
    for (const back of [3_600_000, 1_800_000]) {
      if (lux().DateTime.fromMillis(d.getTime() - back, { zone: this.timezone }).toFormat("yyyy-MM-dd'T'HH:mm") === wall) return true;
    }
    return false;
  }

  /** True if the cron names this wall time (Vixie's day rule). */
  private matches(t: LuxonDateTime): boolean {
    const f = this.fields;
    if (!f.minute.includes(t.minute) || !f.hour.includes(t.hour) || !f.month.includes(t.month)) return false;
    if (f.dayOfMonth.some((d) => typeof d === 'string') || f.dayOfWeek.some((d) => typeof d === 'string')) return true; // L, W, #: trust cron-parser
    const dom = f.dayOfMonth.includes(t.day);
    const dow = f.dayOfWeek.includes(t.weekday % 7);
    if (f.domAny && f.dowAny) return true;
    if (f.domAny) return dow;
    if (f.dowAny) return dom;
    return dom || dow;
  }
}

const cache = new Map<string, CronSchedule>();

/** A parsed schedule, memoised by (cron, zone). Throws on a bad expression (the loader reports it first). */
export function cronSchedule(cron: string, timezone: string): CronSchedule {
  const key = `${cron}\0${timezone}`;
  let s = cache.get(key);
  if (!s) cache.set(key, (s = new CronSchedule(cron, timezone)));
  return s;
}

/** Next release of a cron in its zone after `from` (UTC ISO), or null. */
export function nextRelease(cron: string, timezone: string, from = new Date()): string | null {
  try {
    return cronSchedule(cron, timezone).next(from)?.instant ?? null;
  } catch {
    return null;
  }
}
