import { WfError } from '../errors/index.js';
import { pipelineSchema, type RawJob } from '../model/schema.js';
import type { Job, ParamDef, Pipeline, ScheduleRef } from '../model/types.js';
import { parseValueSpec } from '../model/value-types.js';
import { checkCron, checkTimezone } from './check-schedule.js';
import { compileStages, durationAt, normaliseIf, retryAt, type StageScope } from './compile-stage.js';
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
export function compilePipeline(name: string, raw: unknown, src: SourceFile): CompileResult<Pipeline> & { onNames: Array<{ name: string; index: number }> } {
  const { data, errors } = checkShape(pipelineSchema, raw, src, [name]);
  if (!data) return { errors, onNames: [] };
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
    const path = Array.isArray(data.on) ? [name, 'on', i] : [name, 'on'];
    const loc = src.loc(path);
    if (typeof entry === 'string') {
      onNames.push({ name: entry, index: on.length });
      on.push({ name: entry, cron: '', timezone: '', loc });
      return;
    }
    const timezone = entry.timezone ?? defaultTimezone();
    const cronError = checkCron(entry.cron, src.loc([...path, 'cron']));
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
  return { value: pipeline, errors, onNames };
}

function compileJob(id: string, raw: RawJob | Pick<RawJob, 'stages' | 'env'>, path: Array<string | number>, src: SourceFile, errors: WfError[]): Job {
  const r = raw as RawJob;
  const stageScope: StageScope = { src, errors, ids: new Map() };
  const matrix = r.strategy?.matrix;
  let matrixDef: Job['matrix'] = null;
  if (typeof matrix === 'string') matrixDef = { axes: matrix, include: [], exclude: [] };
  else if (matrix) {
    const { include, exclude, ...axes } = matrix as Record<string, unknown>;
    matrixDef = { axes, include: include ?? [], exclude: exclude ?? [] };
  }
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
