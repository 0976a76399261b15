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
  // Drop what is wrong and parse again, so that one shape mistake does not hide the checks that
  // come after the shape (needs, expressions, hooks): all problems in one `wf validate`.
  const cleaned = structuredClone(value);
  let issues = result.error.issues;
  for (let round = 0; round < 5; round++) {
    if (!issues.every((issue) => prune(schema, cleaned, issue))) break;
    const retry = schema.safeParse(cleaned);
    if (retry.success) return { data: retry.data, errors: dedupe(errors) };
    issues = retry.error.issues;
  }
  return { errors: dedupe(errors) };
}

/**
 * Keys other checks refer to by name (`params.x`, `matrix.x`, `stages.<id>`, `jobs.<id>.outputs`):
 * dropping one would turn its problem into false "unknown reference" errors, so it stops the pruning.
 */
const REFERENCED = new Set(['params', 'strategy', 'matrix', 'outputs', 'id', 'jobs', 'stages']);

/**
 * Removes the value an issue is about, when that is safe: an unknown key, or the nearest optional
 * key above the problem (a whole list, never one item of it, so positions do not shift). Crossing a
 * map entry (a job, a param) or a key other checks refer to
 * would invent "unknown" references, so then it gives up (returns false).
 */
function prune(schema: z.ZodType, value: unknown, issue: Issue): boolean {
  const path = issue.path as Array<string | number>;
  if (issue.code === 'unrecognized_keys') {
    const parent = valueAt(value, path);
    // Already gone with a larger part pruned for another issue.
    if (parent === null || typeof parent !== 'object') return parent === undefined;
    for (const k of issue.keys) delete (parent as Record<string, unknown>)[k];
    return true;
  }
  if (issue.code === 'invalid_union') {
    const branch = issue.errors.find(typeMatched);
    if (branch) return branch.every((e) => prune(schema, value, { ...e, path: [...path, ...e.path] } as Issue));
  }
  for (let n = path.length; n > 0; n--) {
    const key = path[n - 1]!;
    if (typeof key === 'number') continue; // the list as a whole may be optional (on: [...])
    if (REFERENCED.has(key)) return false;
    const parentPath = path.slice(0, n - 1);
    const parentSchema = schemaAt(schema, parentPath, value);
    if (!parentSchema || defOf(parentSchema).type !== 'object') return false;
    const field = (defOf(parentSchema).shape as Record<string, z.ZodType>)[key];
    if (field && defOf(field).type === 'optional') {
      const parent = valueAt(value, parentPath);
      if (parent === null || typeof parent !== 'object') return parent === undefined;
      delete (parent as Record<string, unknown>)[key];
      return true;
    }
  }
  return false;
}

function collect(issue: Issue, root: z.ZodType, value: unknown, src: SourceFile, base: YamlPath, out: WfError[]): void {
  const path = [...base, ...(issue.path as Array<string | number>)];
  const where = dotted(path.slice(1));
  switch (issue.code) {
    case 'unrecognized_keys': {
      // A key already written beside this one is never the one meant (`time:` next to `type:`).
      const present = valueAt(value, issue.path as PropertyKey[]);
      const known = knownKeys(root, issue.path as Array<string | number>, value).filter((k) => !(present !== null && typeof present === 'object' && Object.hasOwn(present, k)));
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
  const s = schemaAt(schema, path, value);
  const def = s ? defOf(s) : undefined;
  return def?.type === 'object' ? Object.keys(def.shape as object) : [];
}

function defOf(s: z.ZodType): Record<string, unknown> {
  return (s as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
}

/** The (unwrapped) schema that applies at `path` of `value`, or undefined past what it describes. */
function schemaAt(schema: z.ZodType, path: Array<string | number>, value: unknown): z.ZodType | undefined {
  let s = unwrap(schema, value);
  let v = value;
  for (const p of path) {
    v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[p] : undefined;
    const def = defOf(s);
    let next: z.ZodType | undefined;
    if (def.type === 'object') next = (def.shape as Record<string, z.ZodType>)[p as string];
    else if (def.type === 'array') next = def.element as z.ZodType;
    else if (def.type === 'record') next = def.valueType as z.ZodType;
    if (!next) return undefined;
    s = unwrap(next, v);
  }
  return s;
}

function unwrap(schema: z.ZodType, value: unknown): z.ZodType {
  let s = schema;
  for (let i = 0; i < 20; i++) {
    const def = (s as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
    if (def.type === 'optional' || def.type === 'nullable' || def.type === 'default' || def.type === 'readonly') s = def.innerType as z.ZodType;
    else if (def.type === 'lazy') s = (def.getter as () => z.ZodType)();
    else if (def.type === 'union') {
      // The branch for this kind of value (a nested union is looked into on the next turn).
      const options = def.options as z.ZodType[];
      const kind = Array.isArray(value) ? 'array' : value !== null && typeof value === 'object' ? 'object' : 'scalar';
      const fits = (t: unknown) => (kind === 'scalar' ? t !== 'object' && t !== 'array' && t !== 'union' : t === kind);
      s = options.find((o) => fits(defOf(o).type)) ?? options.find((o) => defOf(o).type === 'union') ?? options[0]!;
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
