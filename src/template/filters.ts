import { WfError } from '../errors/index.js';
import { isoText, toDateTime } from './dates.js';
import { strftime } from './strftime.js';
import { isPlainObject, toJson, toNumber, toText } from './values.js';

export interface FilterSpec {
  min: number;
  max: number;
  apply(input: unknown, args: unknown[]): unknown;
}

function text(name: string, value: unknown): string {
  if (Array.isArray(value) || isPlainObject(value)) {
    throw new WfError('E_EXPR_EVAL', `${name}: expects text, got ${Array.isArray(value) ? 'an array' : 'an object'}`);
  }
  return toText(value);
}

function collection(name: string, value: unknown): unknown[] | Record<string, unknown> {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value) || isPlainObject(value)) return value;
  throw new WfError('E_EXPR_EVAL', `${name}: expects an object or an array, got ${typeof value}`);
}

function amount(name: string, value: unknown): number {
  const n = toNumber(value);
  if (!Number.isFinite(n)) throw new WfError('E_EXPR_EVAL', `${name}: '${toText(value)}' is not a number`);
  return n;
}

const shift = (name: string, unit: 'days' | 'hours'): FilterSpec => ({
  min: 1, max: 1,
  apply: (input, [n]) => isoText(toDateTime(input, name).plus({ [unit]: amount(name, n) })),
});

/** `value | name(args)` filters. */
export const FILTERS: Record<string, FilterSpec> = {
  fmt: { min: 1, max: 1, apply: (input, [pattern]) => strftime(toDateTime(input, 'fmt'), toText(pattern)) },
  upper: { min: 0, max: 0, apply: (input) => text('upper', input).toUpperCase() },
  lower: { min: 0, max: 0, apply: (input) => text('lower', input).toLowerCase() },
  // Like Jinja's title: each word gets a capital first letter and a lower-case rest.
  title: {
    min: 0, max: 0,
    apply: (input) => text('title', input).replace(/[^\s\-({[<]+/g, (w) => w[0]!.toUpperCase() + w.slice(1).toLowerCase()),
  },
  trim: { min: 0, max: 0, apply: (input) => text('trim', input).trim() },
  default: {
    min: 1, max: 1,
    apply: (input, [fallback]) => (input === null || input === undefined || input === '' ? fallback : input),
  },
  json: { min: 0, max: 0, apply: (input) => toJson(input, undefined) },
  keys: {
    min: 0, max: 0,
    apply: (input) => {
      const c = collection('keys', input);
      return Array.isArray(c) ? c.map((_, i) => i) : Object.keys(c);
    },
  },
  values: {
    min: 0, max: 0,
    apply: (input) => {
      const c = collection('values', input);
      return Array.isArray(c) ? [...c] : Object.values(c);
    },
  },
  length: {
    min: 0, max: 0,
    apply: (input) => {
      if (typeof input === 'string') return [...input].length; // code points, like Python's len()
      const c = collection('length', input);
      return Array.isArray(c) ? c.length : Object.keys(c).length;
    },
  },
  add_days: shift('add_days', 'days'),
  add_hours: shift('add_hours', 'hours'),
};

export const FILTER_NAMES: readonly string[] = Object.keys(FILTERS);
