import type { z } from 'zod';
import { didYouMean, WfError } from '../errors/index.js';
import type { SourceFile, YamlPath } from './source.js';

type Issue = z.core.$ZodIssue;

/** Validates `value` (found at `base` in `src`) against `schema`; every problem becomes a located WfError. */
export function checkShape<T>(schema: z.ZodType<T>, value: unknown, src: SourceFile, base: YamlPath): { data?: T; errors: WfError[] } {
  const result = schema.safeParse(value);
  if (result.success) return { data: result.data, errors: [] };
  const errors: WfError[] = [];
  for (const issue of result.error.issues) collect(issue, schema, value, src, base, errors);
  // Unknown keys alone do not stop compilation: drop them and go on, so the later checks
  // (needs, hooks, expressions) still report their problems in the same pass.
  if (result.error.issues.every((i) => i.code === 'unrecognized_keys')) {
    const cleaned = structuredClone(value);
    for (const issue of result.error.issues) {
      const parent = valueAt(cleaned, issue.path) as Record<string, unknown> | undefined;
      if (parent && issue.code === 'unrecognized_keys') for (const k of issue.keys) delete parent[k];
    }
    const retry = schema.safeParse(cleaned);
    if (retry.success) return { data: retry.data, errors: dedupe(errors) };
  }
  return { errors: dedupe(errors) };
}

function collect(issue: Issue, root: z.ZodType, value: unknown, src: SourceFile, base: YamlPath, out: WfError[]): void {
  const path = [...base, ...(issue.path as Array<string | number>)];
  const where = dotted(path.slice(1));
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeys(root, issue.path as Array<string | number>, value);
      for (const key of issue.keys) {
        out.push(
          new WfError('E_UNKNOWN_KEY', `unknown key '${key}'${where ? ` in ${where}` : ''}`, {
            loc: src.keyLoc([...path, key]),
            hint: didYouMean(key, known, 'a key among'),
          }),
        );
      }
      return;
    }
    case 'invalid_union': {
      // Report the branch whose type matched the value (its deeper problems), else "expected A or B".
      const branches = issue.errors.filter(typeMatched);
      if (branches.length > 0) {
        for (const e of branches[0]!) collect({ ...e, path: [...issue.path, ...e.path] } as Issue, root, value, src, base, out);
        return;
      }
      const expected = [...new Set(issue.errors.flat().map((e) => (e.code === 'invalid_type' ? e.expected : 'value')))];
      out.push(typeError(src, path, where, expected.map(describeType).join(' or '), valueAt(value, issue.path)));
      return;
    }
    case 'invalid_type':
      if (issue.expected === 'undefined' || valueAt(value, issue.path) === undefined) {
        out.push(
          new WfError('E_TYPE', `missing required key '${String(path[path.length - 1])}'${where ? ` in ${dotted(path.slice(1, -1)) || 'the template'}` : ''}`, {
            loc: src.loc(path.slice(0, -1)),
            hint: `add '${String(path[path.length - 1])}:' here`,
          }),
        );
        return;
      }
      out.push(typeError(src, path, where, describeType(issue.expected), valueAt(value, issue.path)));
      return;
    case 'invalid_value':
      out.push(
        new WfError('E_TYPE', `${where || 'value'} must be one of ${issue.values.map((v) => `'${String(v)}'`).join(', ')}`, {
          loc: src.loc(path),
          hint: didYouMean(String(valueAt(value, issue.path)), issue.values.map(String)),
        }),
      );
      return;
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const limit = String(small ? issue.minimum : issue.maximum);
      const what = issue.origin === 'array' ? `have ${small ? 'at least' : 'at most'} ${limit} item(s)` : `be ${small ? 'at least' : 'at most'} ${limit}`;
      out.push(new WfError('E_TYPE', `${where || 'value'} must ${what}, got ${describeValue(valueAt(value, issue.path))}`, { loc: src.loc(path), hint: `e.g. ${limit}` }));
      return;
    }
    default:
      out.push(new WfError('E_TYPE', `${where || 'value'}: ${issue.message}`, { loc: src.loc(path), hint: 'see the template format in the README (conf/ holds working examples)' }));
  }
}

function typeError(src: SourceFile, path: YamlPath, where: string, expected: string, got: unknown): WfError {
  return new WfError('E_TYPE', `${where || 'value'} must be ${expected}, got ${describeValue(got)}`, {
    loc: src.loc(path),
    hint: hintFor(expected),
  });
}

/** True when a union branch's problems lie inside the value (its type matched), not in the value's type itself. */
function typeMatched(errs: Issue[]): boolean {
  return !errs.every(
    (e) => e.path.length === 0 && (e.code === 'invalid_type' || (e.code === 'invalid_union' && !e.errors.some(typeMatched))),
  );
}

function hintFor(expected: string): string {
  if (expected.includes('a list')) return 'write a YAML list: [a, b] or one "- item" per line';
  if (expected.includes('a map')) return 'write a YAML map: key: value, one per line, indented under this key';
  if (expected.includes('a string')) return "quote the value: '…'";
  if (expected.includes('number')) return 'write a number without quotes, e.g. 2';
  if (expected.includes('true or false')) return 'write true or false, without quotes';
  return `write ${expected} here`;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a map',
  record: 'a map',
  map: 'a map',
};

function describeType(t: string): string {
  return TYPE_WORDS[t] ?? t;
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  if (typeof v === 'string') return `the string '${v.length > 40 ? `${v.slice(0, 40)}…` : v}'`;
  return `${typeof v} ${String(v)}`;
}

function valueAt(value: unknown, path: PropertyKey[]): unknown {
  let v = value;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

export function dotted(path: YamlPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** The keys the schema allows at `path` (for did-you-mean), walking zod's definitions. */
function knownKeys(schema: z.ZodType, path: Array<string | number>, value: unknown): string[] {
  let s = unwrap(schema, value);
  let v = value;
  for (const p of path) {
    v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[p] : undefined;
    const def = (s as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
    if (def.type === 'object') s = (def.shape as Record<string, z.ZodType>)[p as string]!;
    else if (def.type === 'array') s = def.element as z.ZodType;
    else if (def.type === 'record') s = def.valueType as z.ZodType;
    else return [];
    if (!s) return [];
    s = unwrap(s, v);
  }
  const def = (s as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
  return def.type === 'object' ? Object.keys(def.shape as object) : [];
}

function unwrap(schema: z.ZodType, value: unknown): z.ZodType {
  let s = schema;
  for (let i = 0; i < 20; i++) {
    const def = (s as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
    if (def.type === 'optional' || def.type === 'nullable' || def.type === 'default' || def.type === 'readonly') s = def.innerType as z.ZodType;
    else if (def.type === 'lazy') s = (def.getter as () => z.ZodType)();
    else if (def.type === 'union') {
      const options = def.options as z.ZodType[];
      const wantObject = value !== null && typeof value === 'object' && !Array.isArray(value);
      const pick = options.find((o) => ((o as unknown as { _zod: { def: { type: string } } })._zod.def.type === 'object') === wantObject);
      s = pick ?? options[0]!;
    } else return s;
  }
  return s;
}

function dedupe(errors: WfError[]): WfError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.loc?.line}:${e.loc?.col}:${e.code}:${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
