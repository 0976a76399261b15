import { didYouMean } from '../errors/index.js';
import type { Pipeline } from '../model/types.js';
import type { ExprRef } from '../template/index.js';

const RUN_FIELDS = ['id', 'pipeline', 'release', 'attempt', 'trigger'];
/** In `on-failure:` only: which jobs failed (`[{job, error}]`) and the run's error message. */
const ON_FAILURE_RUN_FIELDS = ['failed_jobs', 'error'];

/** What a template can read where it stands. */
export interface RefScope {
  job: string | null;
  /** Jobs whose outputs are visible here (the job's transitive needs; every job in on-failure). */
  visibleJobs: { has(id: string): boolean };
  stageIds: Set<string>;
  matrix: boolean;
  /** Set to the key (`if`, `continue-on-error`, `strategy`) of a job field evaluated before its matrix is expanded and its stages run. */
  beforeJob: string | null;
  inForeach: boolean;
  inParallel: boolean;
}

export interface RefContext {
  pipeline: Pipeline;
  allJobs: Set<string>;
}

export interface RefProblem {
  message: string;
  hint?: string;
}

/** Why `ref` cannot be read where `scope` says it stands, or undefined when it can. */
export function checkRef(ref: ExprRef, scope: RefScope, ctx: RefContext): RefProblem | undefined {
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
      if (scope.beforeJob !== null) {
        return { message: `stages.${name} is not available in the ${scope.beforeJob}: of job '${scope.job}'`, hint: `a job's ${scope.beforeJob}: is evaluated before its stages run; read stage outputs in later stages or in the job's outputs:` };
      }
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
      if (second !== undefined && !['outputs', 'status', 'result', 'error'].includes(String(second))) return { message: `${ref.context}.${name}.${String(second)} does not exist`, hint: `use ${ref.context}.${name}.outputs.<name> (or .status, .error)` };
      {
        // A job that declares its outputs: a name it does not declare would read as "" at run time.
        const key = ref.path[2];
        const declared = Object.keys(ctx.pipeline.jobs.find((j) => j.id === name)?.outputs ?? {});
        if (second === 'outputs' && typeof key === 'string' && declared.length > 0 && !declared.includes(key)) {
          return { message: `job '${name}' has no output '${key}'`, hint: didYouMean(key, declared, 'an output') ?? `its outputs: ${declared.join(', ')}` };
        }
      }
      return undefined;
    case 'matrix':
      if (!scope.matrix) return { message: `matrix is used but job '${scope.job ?? '?'}' has no strategy.matrix`, hint: 'add strategy: {matrix: {...}} to the job' };
      // As in GitHub Actions, these job fields are read once, before the matrix is expanded: matrix is null there.
      if (scope.beforeJob === 'strategy') return { message: `matrix is not available in the strategy: of job '${scope.job}'`, hint: 'the matrix is built from strategy:, so it cannot read its own values; use params or jobs.<id>.outputs' };
      if (scope.beforeJob !== null) {
        return { message: `matrix is not available in the ${scope.beforeJob}: of job '${scope.job}'`, hint: `a job's ${scope.beforeJob}: is evaluated before its matrix is expanded; use the ${scope.beforeJob}: of a stage instead` };
      }
      return undefined;
    case 'run':
      if (name !== undefined && !RUN_FIELDS.includes(name) && !(scope.job === 'on-failure' && ON_FAILURE_RUN_FIELDS.includes(name))) {
        const fields = scope.job === 'on-failure' ? [...RUN_FIELDS, ...ON_FAILURE_RUN_FIELDS] : RUN_FIELDS;
        return { message: `run.${name} does not exist`, hint: (ON_FAILURE_RUN_FIELDS.includes(name) ? `run.${name} is only set in on-failure:` : didYouMean(name, fields)) ?? `run has ${fields.join(', ')}` };
      }
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
