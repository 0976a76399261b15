import { didYouMean, WfError, WfErrors } from '../errors/index.js';
import type { Pipeline } from '../model/types.js';
import { coerceValue, resolveDefault } from '../model/value-types.js';
import { paramEnvName } from '../model/param-env.js';

export interface ParamSources {
  /** `-p k=v` values: strings, coerced to the declared type. */
  cli?: Record<string, string>;
  /** `--params-file` values: typed data. */
  file?: Record<string, unknown>;
  /** Environment (`WF_PARAM_<NAME>`): the last source before the default, e.g. for secrets in CI. */
  env?: NodeJS.ProcessEnv;
  release?: string | null;
  now?: Date;
}

export interface ResolvedParams {
  values: Record<string, unknown>;
  /** Secret values replaced by `***`: what the store, logs and `--json` see. */
  masked: Record<string, unknown>;
  secretNames: string[];
  secretValues: string[];
}

/**
 * Resolves a pipeline's params: `-p` > params file > environment > default. Reports every missing,
 * unknown and ill-typed param at once.
 */
export function resolveParams(pipeline: Pipeline, sources: ParamSources): ResolvedParams {
  const errors: WfError[] = [];
  const declared = Object.keys(pipeline.params);
  for (const name of [...Object.keys(sources.cli ?? {}), ...Object.keys(sources.file ?? {})]) {
    if (!Object.hasOwn(pipeline.params, name)) {
      errors.push(new WfError('E_PARAM_UNKNOWN', `pipeline '${pipeline.name}' has no param '${name}'`, {
        loc: pipeline.loc,
        hint: didYouMean(name, declared, 'a declared param') ?? (declared.length ? undefined : 'this pipeline declares no params'),
      }));
    }
  }
  // Own properties only, whatever a param is called (constructor, valueOf).
  const values: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  const masked: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  const secretNames: string[] = [];
  const secretValues: string[] = [];
  for (const [name, spec] of Object.entries(pipeline.params)) {
    const envValue = sources.env?.[paramEnvName(name)];
    let raw: { value: unknown; from: 'cli' | 'data'; source: string } | undefined;
    if (sources.cli && Object.hasOwn(sources.cli, name)) raw = { value: sources.cli[name], from: 'cli', source: '-p' };
    else if (sources.file && Object.hasOwn(sources.file, name)) raw = { value: sources.file[name], from: 'data', source: 'the params file' };
    else if (envValue !== undefined) raw = { value: envValue, from: 'cli', source: paramEnvName(name) };
    let value: unknown;
    if (raw) {
      const coerced = coerceValue(spec, raw.value, raw.from);
      if (!coerced.ok) {
        const shown = spec.type === 'secret' ? '***' : JSON.stringify(raw.value);
        errors.push(new WfError('E_PARAM_TYPE', `param '${name}' (from ${raw.source}) is ${spec.type}, but ${shown} does not fit: ${spec.type === 'secret' ? 'bad value' : coerced.reason}`, {
          loc: spec.loc,
          hint: spec.type === 'choice' ? `one of: ${(spec.options ?? []).join(', ')}` : `give ${article(spec.type)} ${spec.type} value, e.g. ${example(spec.type)}`,
        }));
        continue;
      }
      value = coerced.value;
    } else if (spec.required) {
      errors.push(new WfError('E_PARAM_MISSING', `pipeline '${pipeline.name}' needs param '${name}' (${spec.type})`, {
        loc: spec.loc,
        hint: `pass it with -p ${name}=${example(spec.type)}, or give it a default`,
      }));
      continue;
    } else value = resolveDefault(spec, { release: sources.release, now: sources.now });
    values[name] = value;
    if (spec.type === 'secret') {
      secretNames.push(name);
      if (typeof value === 'string' && value !== '') secretValues.push(value);
      masked[name] = '***';
    } else masked[name] = value;
  }
  if (errors.length > 0) throw new WfErrors(errors);
  return { values, masked, secretNames, secretValues };
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

function example(type: string): string {
  const examples: Record<string, string> = { int: '42', float: '1.5', bool: 'true', date: '2024-01-31', datetime: '2024-01-31T02:00:00Z', array: 'a,b', map: '\'{"k":"v"}\'' };
  return examples[type] ?? 'value';
}

/** Parses `k=v` pairs from the command line. */
export function parseParamPairs(pairs: readonly string[]): Record<string, string> {
  // No prototype: `-p __proto__=1` is a name like any other (and then an unknown param), not a setter.
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new WfError('E_USAGE', `-p takes name=value, got '${pair}'`, { hint: 'e.g. -p region=eu -p limit=10' });
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}
