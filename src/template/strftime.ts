import type { DateTime } from 'luxon';
import { WfError } from '../errors/index.js';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function offset(dt: DateTime, colon: boolean): string {
  const minutes = dt.offset;
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}${colon ? ':' : ''}${pad(abs % 60)}`;
}

// Names are fixed English (C locale) so output never depends on the machine's locale.
const TOKENS: Record<string, (dt: DateTime) => string> = {
  Y: (dt) => String(dt.year),
  y: (dt) => pad(dt.year % 100),
  m: (dt) => pad(dt.month),
  d: (dt) => pad(dt.day),
  e: (dt) => String(dt.day).padStart(2, ' '),
  H: (dt) => pad(dt.hour),
  I: (dt) => pad(dt.hour % 12 === 0 ? 12 : dt.hour % 12),
  M: (dt) => pad(dt.minute),
  S: (dt) => pad(dt.second),
  f: (dt) => pad(dt.millisecond * 1000, 6),
  p: (dt) => (dt.hour < 12 ? 'AM' : 'PM'),
  b: (dt) => MONTHS[dt.month - 1]!.slice(0, 3),
  B: (dt) => MONTHS[dt.month - 1]!,
  a: (dt) => DAYS[dt.weekday - 1]!.slice(0, 3),
  A: (dt) => DAYS[dt.weekday - 1]!,
  u: (dt) => String(dt.weekday),
  w: (dt) => String(dt.weekday % 7),
  j: (dt) => pad(dt.ordinal, 3),
  z: (dt) => offset(dt, false),
  Z: (dt) => (dt.offset === 0 ? 'UTC' : dt.setLocale('en-US').offsetNameShort ?? offset(dt, true)),
  s: (dt) => String(Math.floor(dt.toSeconds())),
  F: (dt) => `${dt.year}-${pad(dt.month)}-${pad(dt.day)}`,
  T: (dt) => `${pad(dt.hour)}:${pad(dt.minute)}:${pad(dt.second)}`,
  '%': () => '%',
};

/** Every strftime token `fmt` understands, for hints and docs. */
export const STRFTIME_TOKENS: readonly string[] = Object.keys(TOKENS).map((t) => `%${t}`);

/** The first unknown `%x` in `pattern`, or undefined when every token is known. */
export function badStrftimeToken(pattern: string): string | undefined {
  for (let i = pattern.indexOf('%'); i >= 0; i = pattern.indexOf('%', i + 2)) {
    const token = pattern[i + 1];
    if (token === undefined || !Object.hasOwn(TOKENS, token)) return `%${token ?? ''}`;
  }
  return undefined;
}

/** Formats `dt` with strftime tokens (`%Y-%m-%d %H:%M:%S`), in the date-time's own offset. */
export function strftime(dt: DateTime, pattern: string): string {
  const bad = badStrftimeToken(pattern);
  if (bad !== undefined) {
    throw new WfError('E_EXPR_EVAL', `fmt: unknown token '${bad}' in '${pattern}'`, {
      hint: `known tokens: ${STRFTIME_TOKENS.join(' ')}`,
    });
  }
  return pattern.replace(/%(.)/gs, (_, token: string) => TOKENS[token]!(dt));
}
