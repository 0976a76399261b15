import { isDateTime, lux } from './luxon.js';
import { didYouMean } from '../errors/index.js';

/** The typed values shared by pipeline params, hook inputs and input schemas. */
export const VALUE_TYPES = ['str', 'int', 'float', 'bool', 'date', 'datetime', 'choice', 'array', 'map', 'secret'] as const;
export type ValueType = (typeof VALUE_TYPES)[number];

/** A declared value: `region: str` or `{type: int, default: 100}`. No default means required. */
export interface ValueSpec {
  type: ValueType;
  default?: unknown;
  options?: unknown[];
  desc?: string;
  required: boolean;
}

export type Coerced = { ok: true; value: unknown } | { ok: false; reason: string };

/** Defaults that name an instant instead of holding one (date and datetime only). */
export const SPECIAL_DEFAULTS = ['release', 'now'] as const;
const SPEC_KEYS = ['type', 'default', 'options', 'desc'];
const BOOLS: Record<string, boolean> = { true: true, yes: true, on: true, 1: true, false: false, no: false, off: false, 0: false };
const FLOAT = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Reads a declaration in its short (`'int'`) or long (`{type, default?, options?, desc?}`) form.
 * @example parseValueSpec({ type: 'int', default: 5 }) // → { type: 'int', default: 5, required: false }
 */
export function parseValueSpec(raw: unknown): ValueSpec | { error: string; hint?: string } {
  if (typeof raw === 'string') {
    if (!isValueType(raw)) return unknownType(raw);
    if (raw === 'choice') return { error: "a choice needs options", hint: '{type: choice, options: [a, b]}' };
    return { type: raw, required: true };
  }
  if (!isPlainObject(raw)) {
    return { error: `expected a type name or {type, default, options, desc}, got ${describe(raw)}`, hint: "e.g. 'str' or {type: int, default: 1}" };
  }
  const unknown = Object.keys(raw).find((k) => !SPEC_KEYS.includes(k));
  if (unknown !== undefined) return { error: `unknown key '${unknown}' in a type declaration`, hint: didYouMean(unknown, SPEC_KEYS) };
  const { type, options, desc } = raw;
  if (typeof type !== 'string') return { error: 'missing type', hint: `one of ${VALUE_TYPES.join(' ')}` };
  if (!isValueType(type)) return unknownType(type);
  if (desc !== undefined && typeof desc !== 'string') return { error: `desc must be a string, got ${describe(desc)}` };
  const spec: ValueSpec = { type, required: !('default' in raw) };
  if (desc !== undefined) spec.desc = desc;
  if (type === 'choice') {
    if (!Array.isArray(options) || options.length === 0) return { error: 'a choice needs a non-empty list of options', hint: '{type: choice, options: [a, b]}' };
    if (!options.every(isScalar)) return { error: 'choice options must be strings, numbers or booleans' };
    spec.options = [...options];
  } else if (options !== undefined) {
    return { error: `options only apply to a choice, not to ${type}`, hint: `{type: choice, options: [...]}` };
  }
  if ('default' in raw) {
    const fallback = raw.default;
    if (fallback === null || ((type === 'date' || type === 'datetime') && isSpecialDefault(fallback))) {
      spec.default = fallback; // null = optional without a value; release/now resolve at run time
    } else {
      const coerced = coerceValue(spec, fallback, 'data');
      if (!coerced.ok) return { error: `default does not fit: ${coerced.reason}` };
      spec.default = coerced.value;
    }
  }
  return spec;
}

/**
 * Coerces `value` to `spec.type`. From 'cli' the value is a string; from 'data' (YAML, JSON,
 * rendered templates) the natural JS type is accepted, and so is a string that would coerce from 'cli'.
 * @example coerceValue({ type: 'int', required: true }, '5', 'cli') // → { ok: true, value: 5 }
 */
export function coerceValue(spec: ValueSpec, value: unknown, from: 'cli' | 'data'): Coerced {
  if (typeof value === 'string') return fromString(spec, value); // both sources read text alike
  const fail = (): Coerced => ({ ok: false, reason: `expected ${expected(spec)}, got ${describe(value)}` });
  switch (spec.type) {
    case 'str':
    case 'secret': // a rendered ${{ matrix.n }} may be a number: stringify scalars
      return typeof value === 'number' || typeof value === 'boolean' ? { ok: true, value: String(value) } : fail();
    case 'int':
      if (typeof value === 'bigint') return fromString(spec, String(value));
      return typeof value === 'number' && Number.isSafeInteger(value) ? { ok: true, value } : fail();
    case 'float':
      return typeof value === 'number' && Number.isFinite(value) ? { ok: true, value } : fail();
    case 'bool':
      return typeof value === 'boolean' ? { ok: true, value } : fail();
    case 'date':
    case 'datetime': {
      const dt = value instanceof Date ? lux().DateTime.fromJSDate(value, { zone: 'utc' }) : isDateTime(value) ? value : null;
      if (!dt?.isValid) return fail();
      return { ok: true, value: spec.type === 'date' ? dt.toISODate() : dt.toISO({ suppressMilliseconds: true }) };
    }
    case 'choice':
      return isScalar(value) ? fromString(spec, String(value)) : fail();
    case 'array':
      return Array.isArray(value) ? { ok: true, value } : fail();
    case 'map':
      return isPlainObject(value) ? { ok: true, value } : fail();
  }
}

function fromString(spec: ValueSpec, v: string): Coerced {
  const fail = (): Coerced => ({ ok: false, reason: `expected ${expected(spec)}, got ${describe(v)}` });
  switch (spec.type) {
    case 'str':
    case 'secret':
      return { ok: true, value: v };
    case 'int': {
      const n = Number(v);
      return /^-?\d+$/.test(v) && Number.isSafeInteger(n) ? { ok: true, value: n } : fail();
    }
    case 'float': {
      const n = Number(v);
      return FLOAT.test(v) && Number.isFinite(n) ? { ok: true, value: n } : fail();
    }
    case 'bool': {
      const b = BOOLS[v.toLowerCase()];
      return b === undefined ? fail() : { ok: true, value: b };
    }
    case 'date':
      return DATE.test(v) && lux().DateTime.fromISO(v, { zone: 'utc' }).isValid ? { ok: true, value: v } : fail();
    case 'datetime': {
      // no offset in the text means UTC (not the host's zone), so results do not depend on the machine
      const text = v.replace(/^(\d{4}-\d{2}-\d{2}) (?=\d)/, '$1T');
      const dt = /^\d{4}-\d{2}-\d{2}/.test(text) ? lux().DateTime.fromISO(text, { setZone: true, zone: 'utc' }) : null;
      return dt?.isValid ? { ok: true, value: dt.toISO({ suppressMilliseconds: true }) } : fail();
    }
    case 'choice': {
      const options = spec.options ?? [];
      const match = options.find((o) => String(o) === v);
      if (match !== undefined) return { ok: true, value: match };
      const hint = didYouMean(v, options.map(String));
      return { ok: false, reason: `expected ${expected(spec)}, got ${describe(v)}${hint?.startsWith('did') ? ` (${hint})` : ''}` };
    }
    case 'array': {
      const text = v.trim();
      if (text.startsWith('[')) {
        const parsed = parseJson(text);
        return Array.isArray(parsed) ? { ok: true, value: parsed } : { ok: false, reason: `expected an array, got invalid JSON ${describe(v)}` };
      }
      return { ok: true, value: text === '' ? [] : text.split(',').map((item) => item.trim()) };
    }
    case 'map': {
      const parsed = parseJson(v.trim());
      return isPlainObject(parsed) ? { ok: true, value: parsed } : fail();
    }
  }
}

/**
 * Resolves the `release` / `now` defaults of date and datetime to a value; others pass through.
 * A missing release falls back to now (a manual run).
 */
export function resolveDefault(spec: ValueSpec, at: { release?: string | null; now?: Date } = {}): unknown {
  const fallback = spec.default;
  if (!(spec.type === 'date' || spec.type === 'datetime') || !isSpecialDefault(fallback)) {
    return fallback !== null && typeof fallback === 'object' ? structuredClone(fallback) : fallback;
  }
  const release = fallback === 'release' && at.release ? lux().DateTime.fromISO(at.release, { setZone: true }) : null;
  const dt = release?.isValid ? release : lux().DateTime.fromJSDate(at.now ?? new Date(), { zone: 'utc' });
  return spec.type === 'date' ? dt.toISODate() : dt.toISO({ suppressMilliseconds: true });
}

/** True for one of the ten type names (`str`, `int`, …). */
export function isValueType(name: string): name is ValueType {
  return (VALUE_TYPES as readonly string[]).includes(name);
}

function isSpecialDefault(value: unknown): boolean {
  return (SPECIAL_DEFAULTS as readonly unknown[]).includes(value);
}

// names other tools use for our types; edit distance alone would not find them
const ALIASES: Record<string, ValueType> = {
  string: 'str', integer: 'int', number: 'float', boolean: 'bool', timestamp: 'datetime',
  enum: 'choice', list: 'array', object: 'map', dict: 'map', password: 'secret',
};

function unknownType(name: string): { error: string; hint?: string } {
  const alias = Object.hasOwn(ALIASES, name.toLowerCase()) ? ALIASES[name.toLowerCase()] : undefined;
  return { error: `unknown type '${name}'`, hint: alias ? `did you mean '${alias}'?` : didYouMean(name, VALUE_TYPES, 'a type') };
}

function expected(spec: ValueSpec): string {
  switch (spec.type) {
    case 'int': return 'an int';
    case 'float': return 'a float';
    case 'bool': return 'a bool (true/false, yes/no, on/off, 1/0)';
    case 'date': return 'a date (YYYY-MM-DD)';
    case 'datetime': return 'a datetime (ISO 8601)';
    case 'choice': return `one of ${(spec.options ?? []).map((o) => `'${String(o)}'`).join(', ')}`;
    case 'array': return 'an array';
    case 'map': return 'a map (JSON object)';
    default: return 'a string';
  }
}

/** A short picture of a value for messages (secrets never get here: any string fits them). */
function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value.length > 60 ? `${value.slice(0, 57)}...` : value}'`;
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return value instanceof Date ? 'an invalid date' : 'a map';
  if (typeof value === 'function') return 'a function';
  return String(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined; // not JSON: the caller reports the expected shape
  }
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
