import { didYouMean, WfError } from '../errors/index.js';
import type { Pipeline } from '../model/types.js';
import { collectRefs, compileTemplate, hasTemplate, type ExprRef } from '../template/index.js';
import type { SourceFile, YamlPath } from './source.js';

/** Keys whose values are names or fixed words, never templates. */
const NOT_TEMPLATED = new Set(['type', 'id', 'needs', 'uses', 'trigger-rule', 'shell', 'trigger', 'on', 'schedule', 'desc']);
const RUN_FIELDS = ['id', 'pipeline', 'release', 'attempt'];

interface Scope {
  job: string | null;
  /** Jobs whose outputs are visible here (the job's transitive needs; every job in on-failure). */
  visibleJobs: Set<string>;
  stageIds: Set<string>;
  matrix: boolean;
  inForeach: boolean;
  inParallel: boolean;
}

/**
 * Parses every template string in a pipeline and checks what can be known before running:
 * params, stage ids, jobs in `jobs.<id>` / `needs.<id>`, `matrix`, `run` fields, item/index/branch.
 */
export function checkExpressions(pipeline: Pipeline, raw: Record<string, unknown>, src: SourceFile): WfError[] {
  const errors: WfError[] = [];
  const allJobs = new Set(pipeline.jobs.map((j) => j.id));
  const upstream = transitiveNeeds(pipeline);
  const check = (value: unknown, path: YamlPath, scope: Scope) => walk(value, path, scope, { pipeline, src, errors, allJobs });

  const top: Scope = { job: null, visibleJobs: new Set(), stageIds: new Set(), matrix: false, inForeach: false, inParallel: false };
  check(raw.env, [pipeline.name, 'env'], top);
  for (const job of pipeline.jobs) {
    const rawJob = (raw.jobs as Record<string, unknown>)[job.id];
    const scope: Scope = { ...top, job: job.id, visibleJobs: upstream.get(job.id) ?? new Set(), stageIds: stageIdsOf(rawJob), matrix: job.matrix !== null };
    check(rawJob, [pipeline.name, 'jobs', job.id], scope);
  }
  if (raw['on-failure']) {
    const scope: Scope = { ...top, job: 'on-failure', visibleJobs: allJobs, stageIds: stageIdsOf(raw['on-failure']) };
    check(raw['on-failure'], [pipeline.name, 'on-failure'], scope);
  }
  return errors;
}

interface Ctx {
  pipeline: Pipeline;
  src: SourceFile;
  errors: WfError[];
  allJobs: Set<string>;
}

function walk(value: unknown, path: YamlPath, scope: Scope, ctx: Ctx): void {
  if (typeof value === 'string') {
    if (hasTemplate(value)) checkString(value, path, scope, ctx);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => walk(v, [...path, i], scope, ctx));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const obj = value as Record<string, unknown>;
  for (const [key, v] of Object.entries(obj)) {
    if (NOT_TEMPLATED.has(key)) continue;
    let inner = scope;
    if (key === 'stages' && 'foreach' in obj) inner = { ...scope, inForeach: true };
    if (key === 'parallel') inner = { ...scope, inParallel: true };
    walk(v, [...path, key], inner, ctx);
  }
}

function checkString(text: string, path: YamlPath, scope: Scope, ctx: Ctx): void {
  const loc = ctx.src.loc(path);
  let refs: ExprRef[];
  try {
    refs = collectRefs(compileTemplate(text));
  } catch (e) {
    if (!(e instanceof WfError)) throw e;
    e.hint ??= "an expression reads a context (params.x, matrix.x, stages.<id>.outputs.x), compares with == != < > && || !, and pipes into filters (| upper)";
    ctx.errors.push(e.at(loc));
    return;
  }
  for (const ref of refs) {
    const problem = checkRef(ref, scope, ctx);
    if (problem) ctx.errors.push(new WfError('E_EXPR_REF', problem.message, { loc, hint: problem.hint }));
  }
}

function checkRef(ref: ExprRef, scope: Scope, ctx: Ctx): { message: string; hint?: string } | undefined {
  const [first, second] = ref.path;
  const name = typeof first === 'string' ? first : undefined;
  switch (ref.context) {
    case 'params': {
      const declared = Object.keys(ctx.pipeline.params);
      if (name !== undefined && !declared.includes(name)) {
        return { message: `unknown param '${name}' in pipeline '${ctx.pipeline.name}'`, hint: didYouMean(name, declared, 'a declared param') ?? 'declare it under params:' };
      }
      return undefined;
    }
    case 'stages':
      if (name === undefined) return undefined;
      if (scope.job === null) return { message: 'stages.<id> is only available inside a job', hint: 'pass a stage output on through the job\'s outputs: and read it as jobs.<id>.outputs' };
      if (!scope.stageIds.has(name)) {
        return { message: `unknown stage id '${name}' in job '${scope.job}'`, hint: didYouMean(name, [...scope.stageIds], 'a stage id') ?? "give the stage an 'id:' to address its outputs" };
      }
      if (second !== undefined && second !== 'outputs' && second !== 'status') return { message: `stages.${name}.${String(second)} does not exist`, hint: `use stages.${name}.outputs.<name>` };
      return undefined;
    case 'jobs':
    case 'needs':
      if (name === undefined) return undefined;
      if (!ctx.allJobs.has(name)) return { message: `unknown job '${name}' in ${ref.context}.${name}`, hint: didYouMean(name, [...ctx.allJobs], 'a job id') ?? 'name a job of this pipeline' };
      if (!scope.visibleJobs.has(name)) {
        return { message: `job '${name}' is not in the needs of '${scope.job ?? 'the pipeline'}', so its outputs are not available here`, hint: scope.job ? `add '${name}' to needs: of job '${scope.job}'` : 'job outputs are only available to jobs that need them' };
      }
      if (second !== undefined && second !== 'outputs' && second !== 'status') return { message: `${ref.context}.${name}.${String(second)} does not exist`, hint: `use ${ref.context}.${name}.outputs.<name>` };
      return undefined;
    case 'matrix':
      return scope.matrix ? undefined : { message: `matrix is used but job '${scope.job ?? '?'}' has no strategy.matrix`, hint: 'add strategy: {matrix: {...}} to the job' };
    case 'run':
      if (name !== undefined && !RUN_FIELDS.includes(name)) return { message: `run.${name} does not exist`, hint: didYouMean(name, RUN_FIELDS) ?? `run has ${RUN_FIELDS.join(', ')}` };
      return undefined;
    case 'item':
    case 'index':
      return scope.inForeach ? undefined : { message: `'${ref.context}' is only defined inside a foreach: stage`, hint: 'move this into the stages: of a foreach:' };
    case 'branch':
      return scope.inParallel ? undefined : { message: "'branch' is only defined inside a parallel: stage", hint: 'move this into a branch of a parallel:' };
    default:
      return undefined;
  }
}

function stageIdsOf(rawJob: unknown): Set<string> {
  const ids = new Set<string>();
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.id === 'string') ids.add(o.id);
      for (const key of ['stages', 'parallel', 'match', 'else']) if (key in o) visit(key === 'parallel' ? Object.values(o[key] as object) : o[key]);
    }
  };
  visit((rawJob as { stages?: unknown } | undefined)?.stages);
  return ids;
}

/** job → every job it (transitively) needs; unknown ids are ignored (reported elsewhere). */
function transitiveNeeds(pipeline: Pipeline): Map<string, Set<string>> {
  const direct = new Map(pipeline.jobs.map((j) => [j.id, j.needs]));
  const memo = new Map<string, Set<string>>();
  const visit = (id: string, trail: Set<string>): Set<string> => {
    const known = memo.get(id);
    if (known) return known;
    const all = new Set<string>();
    for (const n of direct.get(id) ?? []) {
      if (!direct.has(n) || trail.has(n)) continue;
      all.add(n);
      trail.add(n);
      for (const t of visit(n, trail)) all.add(t);
      trail.delete(n);
    }
    memo.set(id, all);
    return all;
  };
  for (const j of pipeline.jobs) visit(j.id, new Set([j.id]));
  return memo;
}
