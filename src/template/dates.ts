import type { DateTime } from 'luxon';
import { isDateTime, lux } from '../model/luxon.js';
import { WfError } from '../errors/index.js';

/**
 * Reads a date-time from an ISO (or SQL-style) string, a Date or a luxon DateTime. The offset
 * written in a string is kept (`…+07:00` stays at +07:00, `…Z` stays UTC); a string without one
 * is read as UTC so rendering never depends on the machine's time zone.
 */
export function toDateTime(value: unknown, filter: string): DateTime {
  let dt: DateTime | undefined;
  if (isDateTime(value)) dt = value;
  else if (value instanceof Date) dt = lux().DateTime.fromJSDate(value, { zone: 'utc' });
  else if (typeof value === 'string') {
    const text = value.trim();
    dt = lux().DateTime.fromISO(text, { setZone: true, zone: 'utc' });
    if (!dt.isValid) dt = lux().DateTime.fromSQL(text, { setZone: true, zone: 'utc' });
  }
  if (!dt || !dt.isValid) {
    const shown = typeof value === 'string' ? `'${value}'` : value === null || value === undefined ? 'null' : typeof value;
    throw new WfError('E_EXPR_EVAL', `${filter}: ${shown} is not a date-time`, {
      hint: 'give an ISO 8601 string such as 2024-01-31T10:20:30Z',
    });
  }
  return dt;
}

/** ISO text of `dt` in its own offset, without milliseconds when they are zero. */
export function isoText(dt: DateTime): string {
  return dt.toISO({ suppressMilliseconds: true }) ?? '';
}
