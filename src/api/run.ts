import { didYouMean, WfError, WfErrors } from '../errors/index.js';
import { executeRun } from '../executor/run-pipeline.js';
import { createPool, defaultParallelism, type WorkerPool } from '../executor/pool.js';
import type { RunEventListener } from '../executor/run-events.js';
import { join } from 'node:path';
import { loadProjectCached } from '../loader/project-cache.js';
import type { Project } from '../loader/load-project.js';
import type { Pipeline } from '../model/types.js';
import { newRunId, openStore, type JobRecord, type RunRecord, type RunTrigger } from '../store/index.js';
import { checkHooks, type HookInputs } from './check-hooks.js';
import type { Locations } from './options.js';
import { resolveParams, type ParamSources, type ResolvedParams } from './params.js';

export interface RunPipelineOptions extends Locations {
  pipeline: string;
  params?: Pick<ParamSources, 'cli' | 'file'>;
  maxParallel?: number;
  release?: string | null;
  trigger?: RunTrigger;
  onEvent?: RunEventListener;
  signal?: AbortSignal;
}

export interface RunOutcome {
  run: RunRecord;
  jobs: JobRecord[];
}

/**
 * Loads only what the pipeline needs (through the compiled-model cache under `state`) and finds
 * it, with a did-you-mean when it does not exist.
 */
export async function loadPipeline(where: Pick<Locations, 'conf' | 'state'>, name: string): Promise<{ project: Project; pipeline: Pipeline }> {
  const { conf } = where;
  const project = await loadProjectCached({ conf, only: [name], cacheDir: join(where.state, 'cache') });
  const pipeline = project.pipelines.get(name);
  if (pipeline) return { project, pipeline };
  const isOn = project.ons.has(name);
  // The error path may parse all of conf/ to suggest pipelines only (not schedules).
  const { inspectProject } = await import('../loader/load-project.js');
  const pipelines = [...inspectProject({ conf }).project.pipelines.keys()];
  throw new WfError('E_UNKNOWN_TEMPLATE', isOn ? `'${name}' is an On schedule, not a pipeline` : `no pipeline named '${name}' in ${conf}`, {
    hint: isOn ? 'run a pipeline whose on: lists this schedule' : (didYouMean(name, pipelines, 'a pipeline') ?? "see 'wf list' for the pipelines there are"),
  });
}

/** Resolves params from the sources the CLI gives (environment included). */
export function paramsFor(pipeline: Pipeline, o: Pick<RunPipelineOptions, 'params' | 'release'>): ResolvedParams {
  return resolveParams(pipeline, { ...o.params, env: process.env, release: o.release ?? null });
}

/**
 * Runs one pipeline now and records it in the store.
 * @example await runPipeline({ ...resolveLocations(), pipeline: 'hello-world', params: { cli: { name: 'Ada' } } })
 */
export async function runPipeline(o: RunPipelineOptions): Promise<RunOutcome> {
  const maxParallel = Math.max(1, o.maxParallel ?? defaultParallelism());
  // Start the worker threads first: their boot overlaps loading and checking conf/.
  let pool: WorkerPool | undefined = createPool(maxParallel);
  try {
    const { pipeline } = await loadPipeline(o, o.pipeline);
    const params = paramsFor(pipeline, o);
    const hookErrors = await checkHooks([pipeline], o.registry, (uses) => inspectInPool(pool!, uses, o.registry));
    if (hookErrors.length > 0) throw new WfErrors(hookErrors);

    const store = openStore(o.state);
    try {
      store.markInterrupted();
      const run = await executeRun({
        pipeline,
        runId: newRunId(),
        params: params.values,
        maskedParams: params.masked,
        secretParams: params.secretNames,
        secrets: params.secretValues,
        store,
        pool,
        registry: o.registry,
        maxParallel,
        release: o.release ?? null,
        trigger: o.trigger ?? 'manual',
        onEvent: o.onEvent,
        signal: o.signal,
      });
      return { run, jobs: store.getJobs(run.id) };
    } finally {
      store.close();
    }
  } finally {
    const p = pool;
    pool = undefined;
    await p.close();
  }
}

async function inspectInPool(pool: WorkerPool, uses: string[], registry: string[]): Promise<HookInputs> {
  const result = await pool.run({ kind: 'inspect', uses, registry });
  return result?.hooks ?? {};
}
