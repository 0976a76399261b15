import { createRequire } from 'node:module';
import { WfError, type SourceLoc } from '../errors/index.js';
import { cronSchedule } from '../scheduler/cron.js';

const MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];
const require = createRequire(import.meta.url);

/** Checks a 5-field (or @macro) cron expression; cron-parser is loaded only when a schedule exists. */
export function checkCron(cron: string, loc: SourceLoc): WfError | undefined {
  const text = cron.trim();
  if (text.startsWith('@')) {
    if (MACROS.includes(text)) return undefined;
    return new WfError('E_CRON', `unknown cron macro '${text}'`, { loc, hint: `use one of ${MACROS.join(' ')}` });
  }
  const fields = text.split(/\s+/);
  if (fields.length !== 5) {
    return new WfError('E_CRON', `cron '${cron}' has ${fields.length} field${fields.length === 1 ? '' : 's'}; wf takes 5`, {
      loc,
      hint: 'minute hour day-of-month month day-of-week, e.g. "*/5 * * * *" (the smallest unit is one minute)',
    });
  }
  try {
    cronSchedule(text, 'UTC');
  } catch (e) {
    return new WfError('E_CRON', `bad cron '${cron}': ${(e as Error).message}`, {
      loc,
      hint: 'minute 0-59, hour 0-23, day 1-31, month 1-12 or JAN-DEC, weekday 0-7 or SUN-SAT; * , - / allowed',
    });
  }
  return undefined;
}

const COMMON_ZONES = ['UTC', 'Europe/London', 'Europe/Paris', 'Europe/Berlin', 'America/New_York', 'America/Chicago', 'America/Los_Angeles', 'Asia/Bangkok', 'Asia/Tokyo', 'Asia/Singapore', 'Asia/Kolkata', 'Australia/Sydney'];

/** Checks an IANA time zone name with luxon. */
export function checkTimezone(zone: string, loc: SourceLoc): WfError | undefined {
  const { IANAZone } = require('luxon') as typeof import('luxon');
  if (IANAZone.isValidZone(zone)) return undefined;
  const fixed = COMMON_ZONES.find((z) => z.toLowerCase() === zone.toLowerCase() || z.split('/')[1]?.toLowerCase() === zone.toLowerCase());
  return new WfError('E_TIMEZONE', `unknown time zone '${zone}'`, {
    loc,
    hint: fixed ? `did you mean '${fixed}'?` : "use an IANA name such as 'UTC', 'Europe/Paris' or 'Asia/Bangkok'",
  });
}
