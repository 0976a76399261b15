import { isDateTime } from '../model/luxon.js';
import { WfError } from '../errors/index.js';

/** True for arrays and for objects whose prototype is Object.prototype or null (JSON-like data). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Arrays made by `*` (GitHub's filtered arrays): an access on one applies to each element. */
const filtered = new WeakSet<unknown[]>();

function filteredArray(items: unknown[]): unknown[] {
  filtered.add(items);
  return items;
}

/** Own, enumerable data values of a plain object or an array (never getters or the prototype). */
function ownValues(target: unknown): unknown[] {
  if (!Array.isArray(target) && !isPlainObject(target)) return [];
  const out: unknown[] = [];
  for (const key of Object.keys(target)) {
    const desc = Object.getOwnPropertyDescriptor(target, key);
    if (desc && 'value' in desc) out.push(desc.value === undefined ? null : desc.value);
  }
  return out;
}

/** One own data property, or undefined. */
function own(target: object, name: string): unknown {
  const desc = Object.getOwnPropertyDescriptor(target, name);
  if (!desc || !desc.enumerable || !('value' in desc)) return undefined;
  return desc.value === undefined ? null : desc.value;
}

/** The element of an array at `key`, which reads as a number as in GitHub (true → 1, ' 0x02 ' → 2; fractions round down). */
function element(target: unknown[], key: unknown): unknown {
  const n = toNumber(key);
  if (!Number.isFinite(n) || n < 0) return undefined;
  const index = Math.floor(n);
  return index < target.length ? own(target, String(index)) : undefined;
}

/** The value of an object at `key` (any scalar, as text): the exact key, else one that differs only in case (GitHub). */
function property(target: Record<string, unknown>, key: unknown): unknown {
  if (key !== null && typeof key === 'object') return undefined;
  const name = toText(key);
  const exact = own(target, name);
  if (exact !== undefined) return exact;
  const lower = name.toLowerCase();
  for (const k of Object.keys(target)) if (k.toLowerCase() === lower) return own(target, k);
  return undefined;
}

/**
 * Reads `key` from data: only own, enumerable data properties of plain objects and arrays,
 * so `length`, `constructor`, `__proto__` and getters are never reachable. Missing → null.
 * `STAR` (from `a.*`) gives every element; on an array made by `*`, an access applies to each
 * element and keeps what it finds (`needs.*.result` → the result of each job).
 */
export function getMember(target: unknown, key: unknown): unknown {
  const star = key === STAR;
  if (Array.isArray(target) && filtered.has(target)) {
    const out: unknown[] = [];
    for (const item of target) {
      if (star) out.push(...ownValues(item));
      else if (Array.isArray(item)) {
        const v = element(item, key);
        if (v !== undefined) out.push(v);
      } else if (isPlainObject(item)) {
        const v = property(item, key);
        if (v !== undefined) out.push(v);
      }
    }
    return filteredArray(out);
  }
  if (star) return filteredArray(ownValues(target));
  const found = Array.isArray(target) ? element(target, key) : isPlainObject(target) ? property(target, key) : undefined;
  return found === undefined ? null : found;
}

/** The key `a.*` and `a[*]` read with. */
export const STAR: unique symbol = Symbol('*');

/** Dates and luxon values read as their ISO text everywhere an expression sees them as scalars. */
function dateText(value: unknown): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (isDateTime(value)) return value.isValid ? (value.toISO() ?? '') : 'Invalid DateTime';
  return undefined;
}

/**
 * Text of a value inside a larger string: null/undefined → '', objects and arrays → JSON,
 * dates → ISO, everything else → String().
 */
export function toText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return numberText(value);
  if (typeof value !== 'object') return String(value);
  const date = dateText(value);
  if (date !== undefined) return date;
  return toJson(value, undefined);
}

/** A number as text, as GitHub writes it: at most 15 decimals, no trailing zeros (0.1 + 0.2 style noise gone). */
export function numberText(n: number): string {
  if (n === 0) return '0';
  if (!Number.isFinite(n)) return String(n);
  return String(Number(n.toFixed(15)));
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
