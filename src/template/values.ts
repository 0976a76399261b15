import { DateTime } from 'luxon';
import { WfError } from '../errors/index.js';

/** True for arrays and for objects whose prototype is Object.prototype or null (JSON-like data). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Reads `key` from data: only own, enumerable data properties of plain objects and arrays,
 * so `length`, `constructor`, `__proto__` and getters are never reachable. Missing → null.
 */
export function getMember(target: unknown, key: unknown): unknown {
  if (typeof key !== 'string' && typeof key !== 'number') return null;
  let name: string;
  if (Array.isArray(target)) {
    const index = typeof key === 'number' ? key : /^(0|[1-9]\d*)$/.test(key) ? Number(key) : NaN;
    if (!Number.isInteger(index) || index < 0 || index >= target.length) return null;
    name = String(index);
  } else if (isPlainObject(target)) {
    name = String(key);
  } else {
    return null;
  }
  const desc = Object.getOwnPropertyDescriptor(target, name);
  if (!desc || !desc.enumerable || !('value' in desc)) return null;
  return desc.value === undefined ? null : desc.value;
}

/** Dates and luxon values read as their ISO text everywhere an expression sees them as scalars. */
function dateText(value: unknown): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (DateTime.isDateTime(value)) return value.isValid ? (value.toISO() ?? '') : 'Invalid DateTime';
  return undefined;
}

/**
 * Text of a value inside a larger string: null/undefined → '', objects and arrays → JSON,
 * dates → ISO, everything else → String().
 */
export function toText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value !== 'object') return String(value);
  const date = dateText(value);
  if (date !== undefined) return date;
  return toJson(value, undefined);
}

/** JSON.stringify that never throws a raw error (cycles, BigInt) and never returns undefined. */
export function toJson(value: unknown, indent: number | undefined): string {
  try {
    return JSON.stringify(value ?? null, jsonReplacer, indent) ?? 'null';
  } catch (cause) {
    throw new WfError('E_EXPR_EVAL', `cannot convert the value to JSON: ${(cause as Error).message}`, { cause });
  }
}

function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** GitHub Actions truthiness: false, 0, NaN, '' and null are falsy; objects and arrays are truthy. */
export function truthy(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  if (typeof value === 'string') return value.length > 0;
  return true;
}

type Kind = 'null' | 'boolean' | 'number' | 'string' | 'object';

function normalise(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  return dateText(value) ?? value;
}

function kindOf(value: unknown): Kind {
  if (value === null) return 'null';
  const t = typeof value;
  return t === 'boolean' || t === 'number' || t === 'string' ? t : 'object';
}

/** GitHub Actions number coercion: null → 0, booleans → 1/0, '' → 0, non-numeric text and objects → NaN. */
export function toNumber(value: unknown): number {
  const v = normalise(value);
  if (v === null) return 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return v.trim() === '' ? 0 : Number(v);
  return NaN;
}

/** `==` as in GitHub Actions (different types compare as numbers) but case-sensitive for strings. */
export function looseEquals(left: unknown, right: unknown): boolean {
  const a = normalise(left);
  const b = normalise(right);
  const ka = kindOf(a);
  if (ka !== kindOf(b)) return toNumber(a) === toNumber(b);
  return a === b; // same kind: strict equality; objects and arrays only equal to themselves
}

/** `<` `<=` `>` `>=`: two strings compare by code unit (case-sensitive), anything else as numbers. */
export function compareValues(op: '<' | '<=' | '>' | '>=', left: unknown, right: unknown): boolean {
  const a = normalise(left);
  const b = normalise(right);
  let x: string | number;
  let y: string | number;
  if (typeof a === 'string' && typeof b === 'string') {
    x = a;
    y = b;
  } else {
    x = toNumber(a);
    y = toNumber(b);
    if (Number.isNaN(x) || Number.isNaN(y)) return false;
  }
  switch (op) {
    case '<': return x < y;
    case '<=': return x <= y;
    case '>': return x > y;
    case '>=': return x >= y;
  }
}
