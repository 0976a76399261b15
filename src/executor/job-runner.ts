import { WfError } from '../errors/index.js';
import type { Stage } from '../model/types.js';
import type { NodeStatus } from '../store/types.js';
import { renderDeep, toText, truthy, type ExprContext, type RenderOptions } from '../template/index.js';
import { maskDeep, maskError } from './mask.js';
import type { JobResult, JobTask, WorkerEvent } from './protocol.js';
import type { SpawnFn } from './remote-spawn.js';
import { paramEnvName } from '../model/param-env.js';
import { renderEnv } from './render-env.js';
import { StageFailure, type StageRun } from './stage-context.js';
import { STAGE_RUNNERS } from './stages/index.js';

export interface JobIO {
  emit(event: WorkerEvent): void;
  spawn: SpawnFn;
  mask(text: string): string;
  signal: AbortSignal;
}

// A worker's process.env is a snapshot taken when the thread started; copy it once, not per job.
const PROCESS_ENV = { ...(process.env as Record<string, string>) };

/** Runs one job instance's stages in order (inside a worker) and returns its result. */
export async function runJob(task: JobTask, io: JobIO): Promise<JobResult> {
  const { job } = task;
  const stages: NonNullable<ExprContext['stages']> = {};
  const ctx: ExprContext = {
    params: task.params,
    matrix: task.matrix ?? {},
    jobs: task.needs,
    env: { ...PROCESS_ENV, ...task.env },
    run: { id: task.runId, pipeline: task.pipeline, release: task.release, attempt: task.attempt },
    stages,
  };
  let failed = false;
  let error: JobResult['error'] = null;
  try {
    const jobEnv = renderEnv(job.env, ctx, {});
    ctx.env = { ...(ctx.env as Record<string, string>), ...jobEnv };
    const baseEnv: Record<string, string> = { ...PROCESS_ENV, ...task.env, ...jobEnv, WF_RUN_ID: task.runId };
    for (const [name, value] of Object.entries(task.params)) baseEnv[paramEnvName(name)] = toText(value);

    for (let i = 0; i < job.stages.length; i++) {
      const stage = job.stages[i]!;
      const path = String(i);
      const render: RenderOptions = { status: io.signal.aborted ? 'cancelled' : failed ? 'failure' : 'success' };
      io.emit({ t: 'stage-start', path, id: stage.id, name: io.mask(stageName(stage, ctx)), kind: stage.kind, ts: Date.now() });
      if (io.signal.aborted) {
        io.emit({ t: 'stage-end', path, status: 'cancelled', outputs: null, error: null, ts: Date.now() });
        continue;
      }
      const outcome = await runStage({ task, stage, path, ctx, render, baseEnv, signal: io.signal, emit: io.emit, spawn: io.spawn, log: (stream, text) => io.emit({ t: 'log', path, stream, text: io.mask(text), ts: Date.now() }) }, failed);
      const outputs = maskDeep(outcome.outputs, io.mask);
      if (stage.id) stages[stage.id] = { outputs, status: outcome.status } as { outputs: Record<string, unknown> };
      const stageError = outcome.error ? maskError(outcome.error.toJSON(), io.mask) : null;
      io.emit({ t: 'stage-end', path, status: outcome.status, outputs, error: stageError, ts: Date.now() });
      if (outcome.status === 'failed' && !outcome.tolerated) {
        failed = true;
        error ??= stageError;
      }
    }
    if (io.signal.aborted) return { status: 'cancelled', outputs: {}, error };
    if (failed) return { status: 'failed', outputs: {}, error };
    const outputs = maskDeep(renderDeep(job.outputs, ctx, { status: 'success' }) as Record<string, unknown>, io.mask);
    return { status: 'success', outputs, error: null };
  } catch (e) {
    const err = e instanceof WfError ? e.at(job.loc) : new WfError('E_INTERNAL', String((e as Error)?.message ?? e), { loc: job.loc });
    return { status: 'failed', outputs: {}, error: maskError(err.toJSON(), io.mask) };
  }
}

interface StageOutcome {
  status: NodeStatus;
  outputs: Record<string, unknown>;
  error: WfError | null;
  /** A failure that `continue-on-error` lets the job go on from. */
  tolerated: boolean;
}

/**
 * Runs one stage: its `if`, its body and its `continue-on-error`. Anything that goes wrong here,
 * an expression included, is this stage's failure at this stage's place.
 */
async function runStage(run: StageRun, jobFailed: boolean): Promise<StageOutcome> {
  const { stage, ctx, render } = run;
  let outcome: StageOutcome;
  try {
    if (!shouldRun(stage, ctx, render, jobFailed)) return { status: 'skipped', outputs: {}, error: null, tolerated: false };
    const outputs = await STAGE_RUNNERS[stage.kind](run);
    return { status: 'success', outputs, error: null, tolerated: false };
  } catch (e) {
    if (e instanceof StageFailure) outcome = { status: e.cancelled ? 'cancelled' : 'failed', outputs: e.outputs, error: e.error, tolerated: false };
    // A hook that throws its own error: the stage fails with the hook's message, not a crash.
    else outcome = { status: 'failed', outputs: {}, error: e instanceof WfError ? e.at(stage.loc) : new WfError('E_STAGE', e instanceof Error ? e.message : String(e), { loc: stage.loc }), tolerated: false };
  }
  if (outcome.status === 'failed') {
    try {
      outcome.tolerated = truthy(renderDeep(stage.continueOnError, ctx, render));
    } catch {
      outcome.tolerated = false; // a broken continue-on-error does not hide the failure
    }
  }
  return outcome;
}

const STATUS_FUNCTIONS = /\b(success|failure|always|cancelled)\s*\(/;

/** GitHub's rule: an `if` without a status function means `success() && (if)`. */
function shouldRun(stage: Stage, ctx: ExprContext, render: RenderOptions, failed: boolean): boolean {
  if (stage.if === null || stage.if === undefined) return !failed;
  const usesStatus = typeof stage.if === 'string' && STATUS_FUNCTIONS.test(stage.if);
  if (failed && !usesStatus) return false;
  return truthy(renderDeep(stage.if, ctx, render));
}

/** A name may use expressions (`Aggregate ${{ matrix.table }}`); a name that fails to render stays as written. */
function stageName(stage: Stage, ctx: ExprContext): string {
  try {
    return toText(renderDeep(stage.name, ctx));
  } catch {
    return stage.name;
  }
}
