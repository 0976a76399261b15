import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { cronSchedule } from '../../src/scheduler/cron.js';

const fires = (cron: string, tz: string, from: string, to: string) => cronSchedule(cron, tz).between(new Date(from), new Date(to)).fires.map((f) => f.instant);

describe('cron math (one evaluator, in the schedule zone)', () => {
  it('fires at known instants', () => {
    expect(fires('0 9 * * *', 'Asia/Bangkok', '2025-01-01T00:00:00Z', '2025-01-02T00:00:00Z')).toEqual(['2025-01-01T02:00:00.000Z']);
    expect(fires('*/15 * * * *', 'UTC', '2025-01-01T00:00:00Z', '2025-01-01T01:00:00Z')).toEqual(['2025-01-01T00:15:00.000Z', '2025-01-01T00:30:00.000Z', '2025-01-01T00:45:00.000Z', '2025-01-01T01:00:00.000Z']);
    expect(fires('@daily', 'Europe/Paris', '2025-06-01T00:00:00Z', '2025-06-02T23:00:00Z')).toEqual(['2025-06-01T22:00:00.000Z', '2025-06-02T22:00:00.000Z']);
    expect(fires('0 0 1 JAN *', 'UTC', '2024-06-01T00:00:00Z', '2026-06-01T00:00:00Z')).toEqual(['2025-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z']);
  });

  it("uses Vixie's rule: day of month OR day of week when both are restricted", () => {
    const got = fires('0 0 13 * FRI', 'UTC', '2025-07-01T00:00:00Z', '2025-07-31T00:00:00Z');
    expect(got).toEqual(['2025-07-04T00:00:00.000Z', '2025-07-11T00:00:00.000Z', '2025-07-13T00:00:00.000Z', '2025-07-18T00:00:00.000Z', '2025-07-25T00:00:00.000Z']);
  });

  it('skips a wall time that does not exist (spring forward), saying so — Europe and America', () => {
    const paris = cronSchedule('30 2 * * *', 'Europe/Paris').between(new Date('2025-03-29T00:00:00Z'), new Date('2025-03-31T12:00:00Z'));
    expect(paris.fires.map((f) => f.local)).toEqual(['2025-03-29T02:30:00+01:00', '2025-03-31T02:30:00+02:00']);
    expect(paris.skipped).toHaveLength(1);
    expect(paris.skipped[0]!.reason).toMatch(/does not exist on 2025-03-30 in Europe\/Paris/);
    const ny = cronSchedule('30 2 * * *', 'America/New_York').between(new Date('2025-03-08T00:00:00Z'), new Date('2025-03-11T00:00:00Z'));
    expect(ny.fires.map((f) => f.local)).toEqual(['2025-03-08T02:30:00-05:00', '2025-03-10T02:30:00-04:00']);
    expect(ny.skipped[0]!.reason).toMatch(/2025-03-09/);
  });

  it('fires a repeated wall time (fall back) once, also across separate windows', () => {
    const paris = (from: string, to: string) => cronSchedule('*/30 * * * *', 'Europe/Paris').between(new Date(from), new Date(to)).fires.map((f) => f.local);
    expect(paris('2025-10-26T00:00:00Z', '2025-10-26T02:00:00Z')).toEqual(['2025-10-26T02:30:00+02:00', '2025-10-26T03:00:00+01:00']);
    // A daemon that woke at 00:45Z must not fire 02:30 again at 01:30Z (02:30+01:00).
    expect(paris('2025-10-26T00:45:00Z', '2025-10-26T02:00:00Z')).toEqual(['2025-10-26T03:00:00+01:00']);
    const ny = cronSchedule('30 1 * * *', 'America/New_York').between(new Date('2025-11-01T00:00:00Z'), new Date('2025-11-04T00:00:00Z'));
    expect(ny.fires.map((f) => f.local)).toEqual(['2025-11-01T01:30:00-04:00', '2025-11-02T01:30:00-04:00', '2025-11-03T01:30:00-05:00']);
  });
});

/**
 * An independent evaluator: every minute of the window, in the zone, matched field by field with
 * Vixie's day rule (written here from the cron man page, sharing no code with wf). It agrees with
 * `between()` instant for instant on a table of varied expressions.
 */
function bruteForce(cron: string, tz: string, from: Date, to: Date): string[] {
  const [min, hour, dom, mon, dow] = cron.split(/\s+/) as [string, string, string, string, string];
  const names: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12, sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
  const field = (text: string, lo: number, hi: number): Set<number> => {
    const out = new Set<number>();
    for (const part of text.split(',')) {
      const [range, stepText] = part.split('/') as [string, string | undefined];
      const step = stepText ? Number(stepText) : 1;
      let [a, b] = range === '*' ? [lo, hi] : (range.split('-').map((x) => names[x.toLowerCase()] ?? Number(x)) as [number, number?]);
      if (b === undefined) b = stepText ? hi : a;
      for (let v = a; v <= b!; v += step) out.add(v === 7 && hi === 6 ? 0 : v);
    }
    return out;
  };
  const M = field(min, 0, 59), H = field(hour, 0, 23), D = field(dom, 1, 31), Mo = field(mon, 1, 12), W = field(dow, 0, 6);
  const out: string[] = [];
  const seen = new Set<string>();
  for (let t = Math.ceil((from.getTime() + 1) / 60_000) * 60_000; t <= to.getTime(); t += 60_000) {
    const l = DateTime.fromMillis(t, { zone: tz });
    const dayOk = dom === '*' || dow === '*' ? D.has(l.day) && W.has(l.weekday % 7) : D.has(l.day) || W.has(l.weekday % 7);
    if (!M.has(l.minute) || !H.has(l.hour) || !Mo.has(l.month) || !dayOk) continue;
    const wall = l.toFormat("yyyy-MM-dd'T'HH:mm");
    if (seen.has(wall)) continue;
    seen.add(wall);
    out.push(new Date(t).toISOString());
  }
  return out;
}

describe('--plan agrees with an independent cron implementation', () => {
  const table: Array<[string, string]> = [
    ['*/7 * * * *', 'UTC'],
    ['0 */3 * * *', 'Europe/Paris'],
    ['15,45 9-17 * * MON-FRI', 'America/New_York'],
    ['0 0 1,15 * *', 'Asia/Bangkok'],
    ['30 4 13 * 5', 'UTC'],
    ['0 12 * JAN,JUL SUN', 'Europe/London'],
    ['5 2 * * *', 'Europe/Berlin'],
    ['0 1-3 * * 0', 'America/Chicago'],
    ['10-20/5 6 * * 1-5', 'Australia/Sydney'],
  ];
  for (const [cron, tz] of table) {
    it(`${cron} in ${tz}`, () => {
      // A window over both 2025 DST changes of Europe and America, a week each.
      for (const [a, b] of [['2025-03-07T00:00:00Z', '2025-03-14T00:00:00Z'], ['2025-03-27T00:00:00Z', '2025-04-03T00:00:00Z'], ['2025-10-24T00:00:00Z', '2025-11-04T00:00:00Z']]) {
        const from = new Date(a!);
        const to = new Date(b!);
        expect(fires(cron, tz, a!, b!)).toEqual(bruteForce(cron, tz, from, to));
      }
    });
  }
});
