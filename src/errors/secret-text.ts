import { makeMasker } from '../executor/mask.js';

/**
 * Secret param defaults seen while loading: a diagnostic prints its source line, and that line
 * may be an unrelated param's `default:` of `type: secret`; every excerpt, message and hint is
 * masked with these (in every form makeMasker knows) before it reaches the terminal.
 */
const values = new Set<string>();
let mask: ((text: string) => string) | undefined;
let maskWide: ((text: string) => string) | undefined;

const SECRET_TYPES = new Set(['secret', 'password']);

/** Notes the defaults of secret params in one raw template (or a root holding several). */
export function noteSecretDefaults(raw: unknown, depth = 0): void {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return;
  const params = (raw as Record<string, unknown>).params;
  if (params && typeof params === 'object' && !Array.isArray(params)) {
    for (const spec of Object.values(params as Record<string, unknown>)) {
      if (!spec || typeof spec !== 'object' || Array.isArray(spec)) continue;
      const { type, default: value } = spec as Record<string, unknown>;
      if (typeof type === 'string' && SECRET_TYPES.has(type) && (typeof value === 'string' || typeof value === 'number') && String(value) !== '') {
        values.add(String(value));
        mask = maskWide = undefined;
      }
    }
  }
  // A file's root holds templates by name: look one level down too.
  if (depth === 0) for (const v of Object.values(raw as Record<string, unknown>)) noteSecretDefaults(v, 1);
}

/**
 * The same for a file whose YAML could not be read into values (a syntax error, a duplicate
 * `default:`): the text itself is searched, near each `secret`, for what follows `default:` —
 * quoted or not, in flow or block style, and the lines of a block-scalar default. Masking a
 * little too much in an excerpt is harmless; showing a secret is not.
 */
export function noteSecretDefaultsInText(text: string): void {
  if (!/\b(secret|password)\b/.test(text)) return;
  const lines = text.split(/\r?\n/);
  const add = (v: string) => {
    const value = v.trim();
    if (value.length === 0 || value === '|' || value === '>' || /^[|>][-+]?\d*$/.test(value)) return;
    values.add(value);
    for (const q of value.matchAll(/"([^"]+)"|'([^']+)'/g)) values.add(q[1] ?? q[2]!);
    mask = maskWide = undefined;
  };
  lines.forEach((line, i) => {
    if (!/\b(secret|password)\b/.test(line)) return;
    for (let j = Math.max(0, i - 4); j <= Math.min(lines.length - 1, i + 4); j++) {
      for (const m of lines[j]!.matchAll(/\bdefault\s*:\s*([^,}\n]*(?:"[^"]*"|'[^']*')?[^,}\n]*)/g)) {
        add(m[1]!);
        // A block scalar: the more-indented lines after `default: |`.
        if (/^\s*[|>]/.test(m[1]!)) {
          const indent = /^\s*/.exec(lines[j]!)![0].length;
          for (let k = j + 1; k < lines.length && (lines[k]!.trim() === '' || /^\s*/.exec(lines[k]!)![0].length > indent); k++) {
            if (lines[k]!.trim().length >= 4) add(lines[k]!);
          }
        }
      }
    }
  });
}

export function maskSecretText(text: string): string {
  if (values.size === 0) return text;
  mask ??= makeMasker([...values]);
  return mask(text);
}

/** The same, with as many `*` as the form had: a source line keeps its columns for the caret. */
export function maskSecretLine(text: string): string {
  if (values.size === 0) return text;
  maskWide ??= makeMasker([...values], true);
  return maskWide(text);
}
