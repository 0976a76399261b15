import { WfError } from '../errors/index.js';
import { pipelineSchema, type RawJob } from '../model/schema.js';
import type { Job, ParamDef, Pipeline, ScheduleRef } from '../model/types.js';
import { parseValueSpec } from '../model/value-types.js';
import { checkCron, checkTimezone } from './check-schedule.js';
import { compileStages, durationAt, normaliseIf, retryAt, type StageScope } from './compile-stage.js';
import { ddeutilForms } from './ddeutil-forms.js';
import { matrixProblems } from '../planner/check-matrix.js';
import { checkShape } from './shape-errors.js';
import type { SourceFile } from './source.js';

export interface CompileResult<T> {
  value?: T;
  errors: WfError[];
}

export function defaultTimezone(): string {
  return process.env.WF_TIMEZONE || 'UTC';
}

/** Raw YAML value of one `type: Pipeline` template → the compiled Pipeline (schedules by name unresolved). */
export function compilePipeline(name: string, raw: Record<string, unknown>, src: SourceFile): CompileResult<Pipeline> & { onNames: Array<{ name: string; index: number }>; raw: Record<string, unknown> } {
  // ddeutil-workflow's spellings are reported precisely, then checked as their wf form.
  const forms = ddeutilForms(raw, src, [name]);
  const { data, errors } = checkShape(pipelineSchema, forms.value, src, [name]);
  errors.unshift(...forms.errors);
  if (!data) return { errors, onNames: [], raw: forms.value };
  const scope = { src, errors };
  const params: Record<string, ParamDef> = {};
  for (const [p, spec] of Object.entries(data.params ?? {})) {
    const parsed = parseValueSpec(spec);
    if ('error' in parsed) errors.push(new WfError('E_TYPE', `param '${p}': ${parsed.error}`, { loc: src.loc([name, 'params', p]), hint: parsed.hint }));
    else params[p] = { ...parsed, name: p, loc: src.keyLoc([name, 'params', p]) };
  }

  const on: ScheduleRef[] = [];
  const onNames: Array<{ name: string; index: number }> = [];
  const entries = data.on === undefined ? [] : Array.isArray(data.on) ? data.on : [data.on];
  entries.forEach((entry, i) => {
    const path = Array.isArray(data.on) ? [...forms.onPath, i] : forms.onPath;
    const loc = src.loc(path);
    if (typeof entry === 'string') {
      onNames.push({ name: entry, index: on.length });
      on.push({ name: entry, cron: '', timezone: '', loc });
      return;
    }
    if ('after' in entry) {
      on.push({ name: null, cron: '', timezone: '', loc, after: { pipeline: entry.after, status: entry.status ?? 'success' } });
      return;
    }
    const timezone = entry.timezone ?? defaultTimezone();
    // An entry rewritten from ddeutil's cronjob: is placed where its cron is written.
    const cronKey = src.nodeAt([...path, 'cron']) === src.nodeAt(path) ? 'cronjob' : 'cron';
    const cronError = checkCron(entry.cron, src.loc([...path, cronKey]));
    if (cronError) errors.push(cronError);
    const tzError = checkTimezone(timezone, entry.timezone ? src.loc([...path, 'timezone']) : loc);
    if (tzError) errors.push(tzError);
    on.push({ name: null, cron: entry.cron, timezone, loc });
  });

  const jobs = Object.entries(data.jobs).map(([id, job]) => compileJob(id, job, [name, 'jobs', id], src, errors));
  if (jobs.length === 0) {
    errors.push(new WfError('E_TYPE', `pipeline '${name}' has no jobs`, { loc: src.loc([name, 'jobs']), hint: 'add a job under jobs:, e.g. jobs: {main: {stages: [{echo: hi}]}}' }));
  }
  for (const job of Object.keys(data.jobs)) {
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(job)) {
      errors.push(new WfError('E_TYPE', `job id '${job}' is not a valid name`, { loc: src.keyLoc([name, 'jobs', job]), hint: 'use letters, digits, _ and -, starting with a letter' }));
    }
  }
  const onFailure = data['on-failure']
    ? compileJob('on-failure', { stages: data['on-failure'].stages, env: data['on-failure'].env }, [name, 'on-failure'], src, errors)
    : null;

  const schedule = data.schedule ?? {};
  const pipeline: Pipeline = {
    kind: 'Pipeline',
    name,
    file: src.file,
    loc: src.keyLoc([name]),
    desc: data.desc ?? '',
    on,
    schedule: {
      catchup: schedule.catchup ?? 'latest',
      skipDelayedByMs: durationAt(schedule['skip-delayed-by'], [name, 'schedule', 'skip-delayed-by'], scope),
      concurrency: schedule.concurrency ?? 'forbid',
    },
    params,
    env: data.env ?? {},
    jobs,
    onFailure,
  };
  return { value: pipeline, errors, onNames, raw: forms.value };
}

function compileJob(id: string, raw: RawJob | Pick<RawJob, 'stages' | 'env'>, path: Array<string | number>, src: SourceFile, errors: WfError[]): Job {
  const r = raw as RawJob;
  const stageScope: StageScope = { src, errors, ids: new Map() };
  const matrixDef = compileMatrix(r.strategy, [...path, 'strategy'], src, errors);
  return {
    id,
    loc: src.keyLoc(path),
    name: r.name ?? id,
    needs: r.needs === undefined ? [] : Array.isArray(r.needs) ? r.needs : [r.needs],
    if: normaliseIf(r.if),
    triggerRule: r['trigger-rule'] ?? 'all_success',
    matrix: matrixDef,
    maxParallel: r.strategy?.['max-parallel'] ?? null,
    failFast: r.strategy?.['fail-fast'] ?? true,
    timeoutMs: durationAt(r.timeout, [...path, 'timeout'], { src, errors }),
    retry: retryAt(r.retry, [...path, 'retry'], { src, errors }),
    continueOnError: r['continue-on-error'] ?? false,
    env: r.env ?? {},
    outputs: r.outputs ?? {},
    stages: compileStages(r.stages as Record<string, unknown>[], [...path, 'stages'], stageScope),
  };
}

/**
 * `strategy.matrix` plus include/exclude, which SPEC §2.3 takes under `matrix:` (GitHub) or under
 * `strategy:` (ddeutil-workflow) with the same meaning. A literal matrix is checked here, each
 * problem at its place; parts written as expressions are checked when they are rendered.
 */
function compileMatrix(strategy: RawJob['strategy'], path: Array<string | number>, src: SourceFile, errors: WfError[]): Job['matrix'] {
  const matrix = strategy?.matrix;
  const outer = { include: strategy?.include, exclude: strategy?.exclude };
  if (matrix === undefined) {
    // Without a matrix these would be accepted and do nothing.
    for (const key of ['include', 'exclude', 'max-parallel', 'fail-fast'] as const) {
      if (strategy?.[key] !== undefined) errors.push(new WfError('E_TYPE', `strategy.${key} needs a matrix: beside it`, { loc: src.keyLoc([...path, key]), hint: 'add matrix: {axis: [a, b]} to the strategy, or remove this key' }));
    }
    return null;
  }
  const { include: inInclude, exclude: inExclude, ...axes } = typeof matrix === 'string' ? { include: undefined, exclude: undefined } : (matrix as Record<string, unknown>);
  const inner = { include: inInclude, exclude: inExclude };
  const places = { include: [...path, 'matrix', 'include'], exclude: [...path, 'matrix', 'exclude'] };
  const pick = (which: 'include' | 'exclude'): unknown => {
    if (outer[which] === undefined) return inner[which] ?? [];
    places[which] = [...path, which];
    if (inner[which] === undefined) return outer[which];
    errors.push(new WfError('E_TYPE', `${which}: is written both under strategy: and under matrix:`, { loc: src.keyLoc([...path, which]), hint: `keep one ${which}: list (both places mean the same)` }));
    return inner[which];
  };
  const def = { axes: typeof matrix === 'string' ? matrix : axes, include: pick('include'), exclude: pick('exclude') };
  if (typeof def.axes === 'string') return def;
  // Expressions stand for lists here (their values are checked when rendered).
  const literal = (v: unknown, empty: unknown) => (isExpression(v) ? empty : v);
  const spec = {
    axes: Object.fromEntries(Object.entries(def.axes).map(([k, v]) => [k, literal(v, [])])) as Record<string, unknown[]>,
    include: literal(def.include, []) as Record<string, unknown>[],
    exclude: literal(def.exclude, []) as Record<string, unknown>[],
  };
  for (const { where, error } of matrixProblems(spec)) {
    const [head, ...rest] = where;
    const at = head === 'axes' ? [...path, 'matrix', ...rest] : head === 'include' || head === 'exclude' ? [...places[head], ...rest] : [...path, 'matrix'];
    const keyed = head === 'exclude' && rest.length === 2;
    error.loc = keyed ? src.keyLoc(at) : src.loc(at);
    errors.push(error);
  }
  return def;
}

function isExpression(v: unknown): boolean {
  return typeof v === 'string' && /^\s*(\$\{\{[\s\S]*\}\}|\$<[\s\S]*>)\s*$/.test(v);
}
