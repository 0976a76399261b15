import { createRequire } from 'node:module';
import type { DateTime } from 'luxon';

type Luxon = typeof import('luxon');
let luxon: Luxon | undefined;

/** luxon, loaded on first use: most runs touch no date, and it is the largest module wf would load. */
export const lux = (): Luxon => (luxon ??= createRequire(import.meta.url)('luxon') as Luxon);

/** luxon's own `DateTime.isDateTime` test, without loading luxon. */
export function isDateTime(value: unknown): value is DateTime {
  return typeof value === 'object' && value !== null && (value as { isLuxonDateTime?: unknown }).isLuxonDateTime === true;
}
