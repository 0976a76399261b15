import { WfError } from '../errors/index.js';
import { parseDuration } from '../model/duration.js';
import type { RetryPolicy, Stage, StageKind } from '../model/types.js';
import { parseValueSpec, type ValueSpec } from '../model/value-types.js';
import { hasTemplate, scriptGuards, type Guard } from '../template/index.js';
import type { SourceFile, YamlPath } from './source.js';

type Raw = Record<string, unknown>;

/** Keys that pick a stage's kind, and the extra keys each kind allows. */
const KIND_OF_KEY: Record<string, StageKind> = {
  echo: 'echo', run: 'run', bash: 'run', uses: 'uses', trigger: 'trigger', foreach: 'foreach',
  parallel: 'parallel', case: 'case', until: 'until', input: 'input', raise: 'raise',
};
const EXTRA_KEYS: Record<string, StageKind[]> = {
  sleep: ['echo'], shell: ['run'], with: ['uses'], params: ['trigger'], concurrency: ['foreach'],
  stages: ['foreach', 'until'], 'max-parallel': ['parallel'], match: ['case'], 'max-loop': ['until'],
};

export interface StageScope {
  src: SourceFile;
  errors: WfError[];
  /** Stage ids seen in this job (for `stages.<id>` checks and duplicates). */
  ids: Map<string, YamlPath>;
}

/** Compiles a list of raw stages at `path`; problems go to `scope.errors`. */
export function compileStages(raw: Raw[], path: YamlPath, scope: StageScope): Stage[] {
  const out: Stage[] = [];
  raw.forEach((r, i) => {
    const stage = compileStage(r, [...path, i], scope);
    if (stage) out.push(stage);
  });
  return out;
}

function compileStage(r: Raw, path: YamlPath, scope: StageScope): Stage | undefined {
  const { src, errors } = scope;
  const kindKeys = Object.keys(r).filter((k) => k in KIND_OF_KEY);
  if (kindKeys.length > 1) {
    // Point at the kind key written last: the one that made the stage ambiguous.
    const locs = kindKeys.map((k) => src.keyLoc([...path, k]));
    const last = locs.reduce((a, b) => (b.line > a.line || (b.line === a.line && b.col > a.col) ? b : a));
    errors.push(
      new WfError('E_STAGE_KIND', `a stage has one kind, this one has ${kindKeys.map((k) => `'${k}:'`).join(' and ')}`, {
        loc: last,
        hint: 'split it into two stages, one per kind',
      }),
    );
    return undefined;
  }
  const kindKey = kindKeys[0] ?? (typeof r.name === 'string' ? 'echo' : undefined);
  if (!kindKey) {
    errors.push(
      new WfError('E_STAGE_KIND', 'a stage needs a kind: one of echo, run, uses, trigger, foreach, parallel, case, until, input, raise', {
        loc: src.loc(path),
        hint: "e.g. '- run: echo hi' or '- uses: module/hook@v1'",
      }),
    );
    return undefined;
  }
  const kind = KIND_OF_KEY[kindKey]!;
  for (const key of Object.keys(r)) {
    const owners = EXTRA_KEYS[key];
    if (owners && !owners.includes(kind)) {
      errors.push(
        new WfError('E_UNKNOWN_KEY', `'${key}:' does not go with a '${kindKey}:' stage`, {
          loc: src.keyLoc([...path, key]),
          hint: `'${key}:' belongs to ${owners.map((o) => `${o}:`).join(' or ')} stages`,
        }),
      );
    }
  }
  const id = typeof r.id === 'string' ? r.id : null;
  if (id !== null) {
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(id)) {
      const expr = /\$\{\{|\$</.test(id);
      errors.push(
        new WfError('E_TYPE', expr ? `stage id '${id}' holds an expression; a stage id is a fixed name` : `stage id '${id}' is not a valid name`, {
          loc: src.loc([...path, 'id']),
          hint: expr ? 'give the stage a fixed id: each matrix cell and foreach item keeps its own stage outputs' : 'use letters, digits, _ and -, starting with a letter',
        }),
      );
    } else if (scope.ids.has(id)) {
      errors.push(new WfError('E_DUPLICATE_NAME', `stage id '${id}' is used twice in this job`, { loc: src.loc([...path, 'id']), hint: 'stage ids must be unique within a job' }));
    } else scope.ids.set(id, path);
  }
  const base = {
    loc: src.loc(path),
    id,
    name: typeof r.name === 'string' ? r.name : (id ?? defaultName(kindKey, r[kindKey])),
    if: normaliseIf(r.if),
    env: (r.env as Raw | undefined) ?? {},
    timeoutMs: durationAt(r.timeout, [...path, 'timeout'], scope),
    retry: retryAt(r.retry, [...path, 'retry'], scope),
    continueOnError: r['continue-on-error'] ?? false,
  };
  const nested = (key: string): Stage[] => compileStages((r[key] as Raw[] | undefined) ?? [], [...path, key], scope);
  switch (kind) {
    case 'echo':
      return { ...base, kind, echo: kindKey === 'echo' ? r.echo : r.name, sleepMs: durationAt(r.sleep, [...path, 'sleep'], scope) };
    case 'run':
    {
      const run = String(r[kindKey]);
      const shell = shellAt(r.shell, [...path, 'shell'], scope);
      return { ...base, kind, run, shell, ...runGuards(run, shell) };
    }
    case 'uses':
    {
      const withArgs = (r.with as Raw | undefined) ?? {};
      const withLocs = Object.fromEntries(Object.keys(withArgs).map((k) => [k, src.keyLoc([...path, 'with', k])]));
      return { ...base, kind, uses: String(r.uses), with: withArgs, withLocs };
    }
    case 'trigger':
    {
      const params = (r.params as Raw | undefined) ?? {};
      const paramLocs = Object.fromEntries(Object.keys(params).map((k) => [k, src.keyLoc([...path, 'params', k])]));
      return { ...base, kind, trigger: String(r.trigger), params, paramLocs };
    }
    case 'foreach':
      requireKey(r, 'stages', path, scope, 'foreach');
      // A literal that is not a list would only fail when the stage runs; one expression is checked then.
      if (!Array.isArray(r.foreach) && !(typeof r.foreach === 'string' && /^\s*(\$\{\{[\s\S]*\}\}|\$<[\s\S]*>)\s*$/.test(r.foreach))) {
        errors.push(new WfError('E_TYPE', `foreach: must be a list, got ${describeLiteral(r.foreach)}`, { loc: src.loc([...path, 'foreach']), hint: 'write a YAML list ([a, b]) or one expression that gives a list (${{ params.tables }})' }));
      }
      return { ...base, kind, foreach: r.foreach, concurrency: (r.concurrency as number | undefined) ?? 1, stages: nested('stages') };
    case 'parallel': {
      const branches: Record<string, Stage[]> = {};
      for (const [name, stages] of Object.entries((r.parallel as Record<string, Raw[]>) ?? {})) {
        branches[name] = compileStages(stages, [...path, 'parallel', name], scope);
      }
      return { ...base, kind, branches, maxParallel: (r['max-parallel'] as number | undefined) ?? null };
    }
    case 'case': {
      requireKey(r, 'match', path, scope, 'case');
      const match = ((r.match as Raw[] | undefined) ?? []).map((m, i) => {
        const mPath = [...path, 'match', i];
        if ('else' in m) return { else: true as const, stages: compileStages((m.else as Raw[]) ?? [], [...mPath, 'else'], scope) };
        if (!('case' in m)) errors.push(new WfError('E_TYPE', 'a match entry needs case: or else:', { loc: src.loc(mPath), hint: '- case: full\n    stages: [...]' }));
        return { case: m.case, stages: compileStages((m.stages as Raw[]) ?? [], [...mPath, 'stages'], scope) };
      });
      return { ...base, kind, case: r.case, match };
    }
    case 'until':
      requireKey(r, 'stages', path, scope, 'until');
      return { ...base, kind, until: normaliseIf(r.until), maxLoop: (r['max-loop'] as number | undefined) ?? 100, stages: nested('stages') };
    case 'input': {
      const input = (r.input as { prompt?: string; schema?: Record<string, unknown> } | null) ?? {};
      const schema: Record<string, ValueSpec> = {};
      for (const [field, spec] of Object.entries(input.schema ?? {})) {
        const parsed = parseValueSpec(spec);
        if ('error' in parsed) errors.push(new WfError('E_TYPE', `input field '${field}': ${parsed.error}`, { loc: src.loc([...path, 'input', 'schema', field]), hint: parsed.hint }));
        else schema[field] = parsed;
      }
      return { ...base, kind, prompt: input.prompt ?? base.name, schema };
    }
    case 'raise':
      return { ...base, kind, raise: r.raise };
  }
}

function requireKey(r: Raw, key: string, path: YamlPath, scope: StageScope, kind: string): void {
  if (!(key in r)) {
    scope.errors.push(new WfError('E_TYPE', `a ${kind}: stage needs '${key}:'`, { loc: scope.src.loc(path), hint: `add '${key}:' to this stage` }));
  }
}

function defaultName(kindKey: string, value: unknown): string {
  const text = typeof value === 'string' ? value.trim().split('\n')[0]! : kindKey;
  const short = text.length > 60 ? `${text.slice(0, 57)}…` : text;
  return kindKey === 'echo' ? short : `${kindKey} ${short}`.trim();
}

/** `if:` may be written bare (`params.x == 'y'`) as in GitHub Actions; store it as a template. */
export function normaliseIf(value: unknown): unknown {
  if (typeof value !== 'string') return value ?? null;
  const text = value.trim();
  if (text.includes('${{') || text.includes('$<')) return text;
  return `\${{ ${text} }}`;
}

export function durationAt(value: unknown, path: YamlPath, scope: { src: SourceFile; errors: WfError[] }): number | null {
  if (value === undefined || value === null) return null;
  const ms = parseDuration(value);
  if (ms === undefined) {
    scope.errors.push(new WfError('E_TYPE', `'${String(value)}' is not a duration`, { loc: scope.src.loc(path), hint: "write e.g. 30s, 5m, 1h30m, 500ms or a number of seconds" }));
    return null;
  }
  return ms;
}

export const SHELLS = ['bash', 'sh', 'python', 'node'];

/** `shell:` is one wf knows, or a command template with `{0}` for the script file (as GitHub Actions). */
function shellAt(value: unknown, path: YamlPath, scope: { src: SourceFile; errors: WfError[] }): string {
  if (value === undefined || value === null) return 'bash';
  const shell = String(value);
  if (SHELLS.includes(shell) || (shell.includes('{0}') && shell.trim().length > 3)) return shell;
  scope.errors.push(new WfError('E_TYPE', `shell: '${shell}' is not a shell wf knows`, { loc: scope.src.loc(path), hint: `use ${SHELLS.join(', ')}, or a command with {0} for the script file, e.g. "perl {0}"` }));
  return 'bash';
}

/**
 * A bash/sh script's guards, found on its parsed text once here and kept in the compiled model
 * (a warm run never parses it). A script the scanner refuses is reported by the expression checks.
 */
function runGuards(run: string, shell: string): { guards?: Array<Guard | null> } {
  if ((shell !== 'bash' && shell !== 'sh') || !hasTemplate(run)) return {};
  try {
    return { guards: scriptGuards(run) };
  } catch (e) {
    if (e instanceof WfError) return {};
    throw e;
  }
}

/** Exponential backoff stops growing at one hour unless `max-delay` says otherwise. */
export const DEFAULT_MAX_RETRY_DELAY_MS = 3_600_000;

export function retryAt(value: unknown, path: YamlPath, scope: { src: SourceFile; errors: WfError[] }): RetryPolicy | null {
  if (!value || typeof value !== 'object') return null;
  const r = value as { attempts: number; delay?: unknown; backoff?: 'fixed' | 'exponential'; 'max-delay'?: unknown };
  return {
    attempts: r.attempts,
    delayMs: durationAt(r.delay, [...path, 'delay'], scope) ?? 0,
    backoff: r.backoff ?? 'fixed',
    maxDelayMs: durationAt(r['max-delay'], [...path, 'max-delay'], scope) ?? DEFAULT_MAX_RETRY_DELAY_MS,
  };
}


function describeLiteral(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (typeof v === 'object') return 'a map';
  return typeof v === 'string' ? `the string '${v.length > 40 ? `${v.slice(0, 40)}…` : v}'` : `${typeof v} ${String(v)}`;
}
