/** Lines of a multi-line secret shorter than this are not masked on their own (they would hide common text). */
const MIN_LINE = 4;

/**
 * Every form a secret can take in text wf shows or stores: the value; each of its lines (a
 * multi-line secret printed line by line); its JSON-escaped form (`toJSON`, `| json`, wf's own
 * JSON output); its shell-quoted forms. Longest first, so overlapping forms mask fully.
 */
export function secretForms(secrets: readonly string[]): readonly string[] {
  // A run hands the same list to every stage: its forms are built once.
  const known = formsOf.get(secrets);
  if (known) return known;
  const result = buildForms(secrets);
  formsOf.set(secrets, result);
  return result;
}

const formsOf = new WeakMap<readonly string[], readonly string[]>();

function buildForms(secrets: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const s of secrets) {
    if (s.length === 0) continue;
    forms.add(s);
    for (const line of s.split(/\r?\n/)) if (line.trim().length >= MIN_LINE) forms.add(line);
    const json = JSON.stringify(s).slice(1, -1);
    forms.add(json);
    forms.add(JSON.stringify(json).slice(1, -1)); // JSON of JSON (a value inside a JSON string)
    forms.add(`'${s.replace(/'/g, `'\\''`)}'`);
    forms.add(s.replace(/'/g, `'\\''`));
    forms.add(s.replace(/(["\\$`])/g, '\\$1'));
  }
  return [...forms].filter((f) => f.length > 0).sort((a, b) => b.length - a.length);
}

/**
 * Replaces every form of every secret with *** in text (`sameWidth`: with as many `*`, for a
 * source excerpt whose caret must stay under its column).
 */
export function makeMasker(secrets: readonly string[], sameWidth = false): (text: string) => string {
  const values = secretForms(secrets);
  if (values.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const v of values) if (out.includes(v)) out = out.split(v).join(sameWidth ? '*'.repeat(v.length) : '***');
    return out;
  };
}

/** Masks every string inside a JSON-like value, map keys included. */
export function maskDeep<T>(value: T, mask: (text: string) => string): T {
  if (typeof value === 'string') return mask(value) as T;
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, mask)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[mask(k)] = maskDeep(v, mask);
    return out as T;
  }
  return value;
}

/** A serialised error with secrets masked in every field (message, hint, location text). */
export function maskError<E>(error: E, mask: (text: string) => string): E {
  return maskDeep(error, mask);
}
