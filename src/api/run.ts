import { join } from 'node:path';
import { systemClock, type Clock } from '../clock/index.js';
import { didYouMean, WfError, WfErrors } from '../errors/index.js';
import { LocalTransport } from '../executor/local-transport.js';
import { createPool, type WorkerPool } from '../executor/pool.js';
import { recoverInterrupted } from '../executor/recover.js';
import type { RunEventListener } from '../executor/run-events.js';
import { runLoop, type RunSeed } from '../executor/run-loop.js';
import { loadProjectCached } from '../loader/project-cache.js';
import type { Project } from '../loader/load-project.js';
import { hashPipeline } from '../model/hash.js';
import type { Pipeline } from '../model/types.js';
import { currentOwner, newRunId, openStore, processStart, type JobRecord, type RunRecord, type RunTrigger, type Store, type StoreOp } from '../store/index.js';
import { checkHooks, usesStages, type HookInputs } from './check-hooks.js';
import type { ChildRequest, ChildResult } from '../executor/stage-context.js';
import type { Locations } from './options.js';
import { resolveParams, type ParamSources, type ResolvedParams } from './params.js';

/**
 * Job instances at once when `--max-parallel` is not given. Jobs wait on processes, not on CPU
 * (a shell stage needs no thread; hook code gets one of the pool's, one per core), so the
 * default does not throttle I/O-bound work the way the core count would.
 */
export const DEFAULT_MAX_PARALLEL = 32;

export interface PrepareRunOptions extends Locations {
  pipeline: string;
  params?: Pick<ParamSources, 'cli' | 'file'>;
  release?: string | null;
  clock?: Clock;
  /** A pool to check hook inputs in (`wf run` boots it while conf/ loads); one is made if needed. */
  pool?: WorkerPool;
}

/** A run ready to start: the pipeline found and checked, its params resolved. No side effects. */
export interface PreparedRun {
  locations: Locations;
  pipeline: Pipeline;
  params: ResolvedParams;
  release: string | null;
  modelHash: string;
  jobHashes: Record<string, string>;
}

export interface StartRunOptions {
  store?: Store;
  pool?: WorkerPool;
  clock?: Clock;
  maxParallel?: number;
  trigger?: RunTrigger;
  parentRunId?: string | null;
  /** Extra `run` context (`run.trigger` for releases that follow another run). */
  context?: Record<string, unknown>;
  /** A schedule release: claimed in the same transaction that creates the run; never run twice. */
  claim?: { scheduleKey: string; instant: string };
  onEvent?: RunEventListener;
  signal?: AbortSignal;
}

export interface RunOutcome {
  /** False when `claim` was given and that release had been claimed already: nothing ran. */
  claimed: boolean;
  run: RunRecord;
  jobs: JobRecord[];
}

export interface RunPipelineOptions extends PrepareRunOptions, Omit<StartRunOptions, 'pool' | 'clock'> {}

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
export function paramsFor(pipeline: Pipeline, o: Pick<PrepareRunOptions, 'params' | 'release' | 'clock'>): ResolvedParams {
  return resolveParams(pipeline, { ...o.params, env: process.env, release: o.release ?? null, now: new Date((o.clock ?? systemClock).now()) });
}

/**
 * Finds the pipeline, resolves its params and checks its hooks: everything that can go wrong
 * before a run exists.
 * @example const prepared = await prepareRun({ ...resolveLocations(), pipeline: 'hello-world' })
 */
export async function prepareRun(o: PrepareRunOptions): Promise<PreparedRun> {
  const { pipeline } = await loadPipeline(o, o.pipeline);
  const params = paramsFor(pipeline, o);
  if (usesStages(pipeline).length > 0 || pipeline.onFailure) {
    const pool = o.pool ?? createPool(1);
    try {
      const hookErrors = await checkHooks([pipeline], o.registry, (uses) => inspectInPool(pool, uses, o.registry));
      if (hookErrors.length > 0) throw new WfErrors(hookErrors);
    } finally {
      if (!o.pool) await pool.close();
    }
  }
  const { modelHash, jobHashes } = hashPipeline(pipeline);
  return { locations: { conf: o.conf, registry: o.registry, state: o.state }, pipeline, params, release: o.release ?? null, modelHash, jobHashes };
}

/**
 * Creates the run in the store (with its release claim, if any) and runs it to the end.
 * @example const { run } = await startRun(await prepareRun({ ...resolveLocations(), pipeline: 'hello-world' }))
 */
export async function startRun(prepared: PreparedRun, o: StartRunOptions = {}): Promise<RunOutcome> {
  const clock = o.clock ?? systemClock;
  const { pipeline, params } = prepared;
  const run: RunRecord = {
    id: newRunId(new Date(clock.now())),
    pipeline: pipeline.name,
    status: 'running',
    params: params.masked,
    release: prepared.release,
    attempt: 1,
    trigger: o.trigger ?? 'manual',
    parentRunId: o.parentRunId ?? null,
    startedAt: new Date(clock.now()).toISOString(),
    endedAt: null,
    error: null,
    pid: process.pid,
    owner: currentOwner(),
    heartbeatAt: new Date(clock.now()).toISOString(),
    cancelRequestedAt: null,
    modelHash: prepared.modelHash,
    jobHashes: prepared.jobHashes,
    context: o.context ?? null,
  };
  return withRunResources(prepared.locations.state, o, async (store, pool) => {
    if (!store.createRun(run, o.claim)) return { claimed: false, run, jobs: [] };
    return execute(prepared, run, store, pool, o);
  });
}

/**
 * Runs one pipeline now and records it in the store.
 * @example await runPipeline({ ...resolveLocations(), pipeline: 'hello-world', params: { cli: { name: 'Ada' } } })
 */
export async function runPipeline(o: RunPipelineOptions): Promise<RunOutcome> {
  // Threads start on demand: a run of shell stages starts none.
  const pool = createPool();
  try {
    const prepared = await prepareRun({ ...o, pool });
    return await startRun(prepared, { ...o, pool });
  } finally {
    await pool.close();
  }
}

/** Opens what a run needs (unless given), recovers interrupted runs first, and closes what it opened. */
export async function withRunResources<T>(state: string, o: Pick<StartRunOptions, 'store' | 'pool'>, fn: (store: Store, pool: WorkerPool) => Promise<T>): Promise<T> {
  const store = o.store ?? openStore(state);
  const pool = o.pool ?? createPool();
  try {
    recoverInterrupted(store);
    return await fn(store, pool);
  } finally {
    if (!o.pool) await pool.close();
    if (!o.store) store.close();
  }
}

/** Runs a run that is in the store as `running` and owned by this process (new, or a retry). */
export async function execute(prepared: PreparedRun, run: RunRecord, store: Store, pool: WorkerPool, o: StartRunOptions, seed?: RunSeed): Promise<RunOutcome> {
  const clock = o.clock ?? systemClock;
  const host = run.owner?.host ?? '';
  // A process group is recorded the moment it exists, so a kill -9 of wf leaves it findable. Its
  // end is written with the next record (or the run's close, which clears them all): a group
  // recorded but gone is harmless, recovery checks each one's start time before killing.
  let ended: StoreOp[] = [];
  const transport = new LocalTransport({
    pool,
    onProcess: (p) => {
      if (p.ended) ended.push({ op: 'proc-end', runId: run.id, pid: p.pid });
      else {
        const ops: StoreOp[] = [...ended, { op: 'proc', proc: { runId: run.id, jobKey: p.jobKey, stagePath: p.stagePath, pid: p.pid, start: processStart(p.pid), host } }];
        ended = [];
        store.apply(ops);
      }
    },
  });
  // A forced exit (second Ctrl-C, a fatal error) leaves no process group behind.
  const killOnExit = () => transport.host.killAll();
  process.on('exit', killOnExit);
  try {
    const { params } = prepared;
    const final = await runLoop({
      pipeline: prepared.pipeline,
      run,
      params: params.values,
      secretParams: params.secretNames,
      secrets: params.secretValues,
      store,
      transport,
      registry: prepared.locations.registry,
      maxParallel: Math.max(1, o.maxParallel ?? DEFAULT_MAX_PARALLEL),
      clock,
      onEvent: o.onEvent,
      signal: o.signal,
      seed,
      runContext: o.context,
      onFatal: () => transport.host.killAll(),
      startChild: (request) => startChildRun(prepared, request, store, pool, o),
    });
    return { claimed: true, run: final, jobs: store.getJobs(final.id) };
  } finally {
    process.off('exit', killOnExit);
    transport.close();
  }
}

async function inspectInPool(pool: WorkerPool, uses: string[], registry: string[]): Promise<HookInputs> {
  const result = (await pool.run({ kind: 'inspect', uses, registry })) as { hooks?: HookInputs };
  return result?.hooks ?? {};
}

/**
 * A `trigger:` child: a run of its own (linked by `parentRunId`), in this process, with its own job
 * slots, so a parent waiting for it holds nothing the child needs. A cycle of names met at run time
 * (names from expressions) is refused.
 */
async function startChildRun(parent: PreparedRun, request: ChildRequest, store: Store, pool: WorkerPool, o: StartRunOptions): Promise<ChildResult> {
  const chain = (o.context?.triggerChain as string[] | undefined) ?? [parent.pipeline.name];
  if (chain.includes(request.pipeline)) {
    throw new WfError('E_CYCLE', `trigger cycle: ${[...chain, request.pipeline].join(' → ')}`, { hint: 'a pipeline may not trigger itself, directly or through others' });
  }
  const prepared = await prepareRun({ ...parent.locations, pipeline: request.pipeline, params: { file: request.params }, pool, clock: o.clock });
  // A parent's secret passed to a child param of another type is still a secret: the child masks it too.
  if (parent.params.secretValues.length > 0) {
    const secretValues = [...new Set([...prepared.params.secretValues, ...parent.params.secretValues])];
    const { makeMasker, maskDeep } = await import('../executor/mask.js');
    prepared.params = { ...prepared.params, secretValues, masked: maskDeep(prepared.params.masked, makeMasker(secretValues)) };
  }
  const outcome = await startRun(prepared, {
    store, pool, clock: o.clock, maxParallel: o.maxParallel, trigger: 'trigger', parentRunId: request.parentRunId,
    context: { triggerChain: [...chain, request.pipeline] }, signal: request.signal,
  });
  const jobs: Record<string, Record<string, unknown>> = {};
  for (const j of outcome.jobs) jobs[j.jobId] = { ...jobs[j.jobId], ...(j.outputs ?? {}) };
  return { runId: outcome.run.id, status: outcome.run.status, jobs, error: outcome.run.error };
}
