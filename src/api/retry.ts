import { systemClock } from '../clock/index.js';
import { didYouMean, WfError } from '../errors/index.js';
import type { RunSeed } from '../executor/run-loop.js';
import type { Pipeline } from '../model/types.js';
import { currentOwner, type AttemptRecord, type JobRecord, type RunRecord, type StageRecord } from '../store/index.js';
import { findRun } from './history.js';
import type { Locations } from './options.js';
import { resolveParams, type ParamSources } from './params.js';
import { hashPipeline } from '../model/hash.js';
import { execute, loadPipeline, withRunResources, type PreparedRun, type RunOutcome, type StartRunOptions } from './run.js';

export interface RetryRunOptions extends Locations, Omit<StartRunOptions, 'trigger' | 'claim' | 'parentRunId' | 'context'> {
  /** Run id, unique prefix, or `last`. */
  run: string;
  /** `JOB` or `JOB.STAGE` (stage id, name or position): run again from there and everything downstream. */
  from?: string;
  /** Retry even though the pipeline's definition changed since the run. */
  force?: boolean;
  /** Values for secret params (taken again from their sources) or overrides. */
  params?: Pick<ParamSources, 'cli' | 'file'>;
}

const RETRYABLE = ['failed', 'cancelled', 'interrupted'] as const;

/**
 * Continues a failed, cancelled or interrupted run in place as its next attempt: what succeeded
 * keeps its recorded outputs and does not run again; the rest (and what depends on it) runs.
 * @example await retryRun({ ...resolveLocations(), run: 'last' })
 */
export async function retryRun(o: RetryRunOptions): Promise<RunOutcome> {
  const clock = o.clock ?? systemClock;
  return withRunResources(o.state, o, async (store, pool) => {
    const old = findRun(store, o.run);
    const allowed: readonly string[] = o.from ? [...RETRYABLE, 'success'] : RETRYABLE;
    if (!allowed.includes(old.status)) {
      throw new WfError('E_STATE', `run ${old.id} is ${old.status}: there is nothing to retry`, {
        hint: old.status === 'running' ? `wait for it, or stop it with 'wf cancel ${old.id}'` : `re-run part of it with 'wf retry ${old.id} --from JOB'`,
      });
    }
    const { pipeline } = await loadPipeline(o, old.pipeline);
    const hashes = hashPipeline(pipeline);
    if (old.modelHash && old.modelHash !== hashes.modelHash && !o.force) {
      throw new WfError('E_CHANGED', `pipeline '${pipeline.name}' changed since run ${old.id}: ${describeChanges(old.jobHashes ?? {}, hashes.jobHashes)}`, {
        hint: `retry with --force to run the rest with today's definition, or start a new run with 'wf run ${pipeline.name}'`,
      });
    }
    const params = retryParams(pipeline, old, o.params);
    const seed = seedFrom(pipeline, store.getJobs(old.id), store.getStages(old.id), store.getAttempts(old.id), o.from);
    const now = new Date(clock.now()).toISOString();
    const patch: Partial<RunRecord> = {
      status: 'running', attempt: old.attempt + 1, endedAt: null, error: null, pid: process.pid, owner: currentOwner(),
      heartbeatAt: now, cancelRequestedAt: null, modelHash: hashes.modelHash, jobHashes: hashes.jobHashes,
    };
    // Atomic: two retries of one run cannot both take it over.
    if (!store.transitionRun(old.id, allowed as RunRecord['status'][], patch)) {
      throw new WfError('E_STATE', `run ${old.id} was taken over by another process`, { hint: `see 'wf runs'` });
    }
    const run: RunRecord = { ...old, ...patch };
    const prepared: PreparedRun = { locations: { conf: o.conf, registry: o.registry, state: o.state }, pipeline, params, release: old.release, ...hashes };
    return execute(prepared, run, store, pool, { ...o, trigger: 'retry', context: old.context ?? undefined }, seed);
  });
}

/** The run's params as recorded; secrets (stored masked) are taken again from `-p`, the environment or their default. */
export function retryParams(pipeline: Pipeline, old: RunRecord, given: RetryRunOptions['params'] = {}): ReturnType<typeof resolveParams> {
  const stored: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(old.params)) {
    if (name in pipeline.params && pipeline.params[name]!.type !== 'secret') stored[name] = value;
  }
  return resolveParams(pipeline, { cli: given.cli, file: { ...stored, ...given.file }, env: process.env, release: old.release });
}

export function describeChanges(before: Record<string, string>, after: Record<string, string>): string {
  const changed: string[] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (before[key] === after[key]) continue;
    const what = key.startsWith('(') ? key.slice(1, -1) : `job '${key}'`;
    changed.push(before[key] === undefined ? `${what} added` : after[key] === undefined ? `${what} removed` : `${what} changed`);
  }
  return changed.join(', ') || 'its definition changed';
}

/** What the earlier attempts left: kept jobs, cells and stages; what runs again. */
export function seedFrom(pipeline: Pipeline, jobs: JobRecord[], stages: StageRecord[], attempts: AttemptRecord[], from?: string, mode: 'retry' | 'resume' = 'retry'): RunSeed {
  const seed: RunSeed = { jobs: new Map(), stages: new Map(), attempts: new Map(), rerun: new Set(), from: new Map() };
  for (const j of jobs) seed.jobs.set(j.key, j);
  for (const s of stages) {
    if (s.status !== 'success' || s.path.includes('.')) continue;
    const byPath = seed.stages.get(s.jobKey) ?? {};
    byPath[s.path] = { outputs: s.outputs ?? {} };
    seed.stages.set(s.jobKey, byPath);
  }
  for (const a of attempts) {
    const key = a.stagePath === '' ? a.jobKey : `${a.jobKey}\0${a.stagePath}`;
    seed.attempts.set(key, Math.max(seed.attempts.get(key) ?? 0, a.attempt));
  }
  const byJob = new Map<string, JobRecord[]>();
  for (const j of jobs) byJob.set(j.jobId, [...(byJob.get(j.jobId) ?? []), j]);
  for (const job of pipeline.jobs) {
    const recs = byJob.get(job.id) ?? [];
    // A retry runs what did not succeed; a resume only what was paused (and what had not started).
    const again = mode === 'resume' ? recs.some((r) => r.status === 'paused') : recs.some((r) => r.status !== 'success' && r.status !== 'skipped');
    if (recs.length === 0 || again) seed.rerun.add(job.id);
  }
  if (from) {
    const [jobId, stage] = splitFrom(from, pipeline);
    const job = pipeline.jobs.find((j) => j.id === jobId)!;
    let index = 0;
    if (stage !== undefined) {
      index = job.stages.findIndex((s, i) => s.id === stage || s.name === stage || String(i) === stage);
      if (index < 0) {
        throw new WfError('E_NOT_FOUND', `job '${jobId}' has no stage '${stage}'`, {
          hint: didYouMean(stage, job.stages.map((s, i) => s.id ?? String(i)), 'a stage') ?? 'give a stage id, its name, or its position (0, 1, …)',
        });
      }
    }
    seed.rerun.add(jobId);
    seed.from.set(jobId, index);
  }
  // What depends on a job that runs again runs again too, in full (its inputs change).
  const dependents = new Map<string, string[]>();
  for (const job of pipeline.jobs) for (const n of job.needs) dependents.set(n, [...(dependents.get(n) ?? []), job.id]);
  const stack = [...seed.rerun];
  while (stack.length > 0) {
    for (const d of dependents.get(stack.pop()!) ?? []) {
      seed.from.set(d, 0);
      if (!seed.rerun.has(d)) {
        seed.rerun.add(d);
        stack.push(d);
      }
    }
  }
  return seed;
}

function splitFrom(from: string, pipeline: Pipeline): [string, string | undefined] {
  const ids = pipeline.jobs.map((j) => j.id);
  if (ids.includes(from)) return [from, undefined];
  const dot = from.indexOf('.');
  const jobId = dot < 0 ? from : from.slice(0, dot);
  if (!ids.includes(jobId)) {
    throw new WfError('E_NOT_FOUND', `pipeline '${pipeline.name}' has no job '${jobId}'`, { hint: didYouMean(jobId, ids, 'a job') ?? `jobs: ${ids.join(', ')}` });
  }
  return [jobId, dot < 0 ? undefined : from.slice(dot + 1)];
}

