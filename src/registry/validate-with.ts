import { didYouMean } from '../errors/index.js';
import { coerceValue, resolveDefault } from '../model/value-types.js';
import type { LoadedHook } from './types.js';

export interface WithProblem {
  key: string;
  message: string;
  hint?: string;
}

export interface ValidateWithOptions {
  /** Static check (`wf validate`): template values are unknown yet, so they are not checked. */
  partial?: boolean;
  /** For `release` / `now` defaults of date and datetime inputs. */
  release?: string | null;
  now?: Date;
}

/** A value still holding an expression (only known after rendering). */
export function isTemplated(value: unknown): boolean {
  return typeof value === 'string' && (value.includes('${{') || value.includes('$<'));
}

/**
 * Checks `with:` against the hook's inputs: unknown keys, missing required inputs, values that do not
 * fit (coerced as data); returns the coerced values with defaults applied. `null` counts as not given.
 * @example validateWith(hook, { limit: '5' }) // → { value: { limit: 5, … }, problems: [] }
 */
export function validateWith(
  hook: LoadedHook,
  args: Record<string, unknown>,
  opts: ValidateWithOptions = {},
): { value: Record<string, unknown>; problems: WithProblem[] } {
  const value: Record<string, unknown> = {};
  const problems: WithProblem[] = [];
  const declared = Object.keys(hook.inputs);
  for (const key of Object.keys(args)) {
    if (key in hook.inputs) continue;
    const hint = declared.length === 0 ? `hook '${hook.name}' takes no inputs` : didYouMean(key, declared, 'an input');
    problems.push({ key, message: `unknown input '${key}' for hook '${hook.name}'`, hint });
  }
  for (const [key, spec] of Object.entries(hook.inputs)) {
    const given = Object.hasOwn(args, key) ? args[key] : undefined;
    if (opts.partial && isTemplated(given)) {
      value[key] = given; // rendered and checked at run time
      continue;
    }
    if (given === undefined || given === null) {
      if (!spec.required) value[key] = resolveDefault(spec, opts);
      else problems.push({ key, message: `missing required input '${key}' (${spec.type})`, hint: `add '${key}' under with:` });
      continue;
    }
    const coerced = coerceValue(spec, given, 'data');
    if (coerced.ok) value[key] = coerced.value;
    else problems.push({ key, message: `input '${key}': ${coerced.reason}`, hint: inputHint(key, spec) });
  }
  return { value, problems };
}

function inputHint(key: string, spec: LoadedHook['inputs'][string]): string {
  if (spec.type === 'choice') return `'${key}' takes one of: ${(spec.options ?? []).map(String).join(', ')}`;
  return `'${key}' takes ${/^[aeiou]/.test(spec.type) ? 'an' : 'a'} ${spec.type}${spec.desc ? ` (${spec.desc})` : ''}`;
}
