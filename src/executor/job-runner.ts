import { sleep, type Clock } from '../clock/index.js';
import { describeThrown, WfError } from '../errors/index.js';
import { formatDuration } from '../model/duration.js';
import { paramEnvName } from '../model/param-env.js';
import type { RetryPolicy, Stage } from '../model/types.js';
import type { NodeStatus } from '../store/types.js';
import { renderDeep, toText, truthy, type ExprContext, type RenderOptions } from '../template/index.js';
import { maskDeep, maskError } from './mask.js';
import type { JobEvent, JobResult, JobTask, PauseInfo } from './protocol.js';
import { renderEnv } from './render-env.js';
import { PauseRequest, StageFailure, type StageRun } from './stage-context.js';
import { STAGE_RUNNERS } from './stages/index.js';
import type { JobTransport } from './transport.js';

export interface JobIO {
  emit(event: JobEvent): void;
  transport: JobTransport;
  mask(text: string): string;
  /** Aborts on run cancel, fail-fast of a sibling cell, or the job's timeout (reason: a Timeout). */
  signal: AbortSignal;
  clock: Clock;
  /** Starts child runs (`trigger:`); absent where child runs are not possible. */
  startChild?: StageRun['startChild'];
}

/** The abort reason of a timeout, so a timed-out stage or job fails instead of counting as cancelled. */
export class Timeout {
  constructor(
    readonly what: 'stage' | 'job',
    readonly ms: number,
  ) {}
  get message(): string {
    return `${this.what} timed out after ${formatDuration(this.ms)}`;
  }
}

/** A retry's wait before attempt `n + 1`: the delay, doubled per attempt when exponential, capped by `max-delay`. */
export function retryDelay(policy: RetryPolicy, failedAttempt: number): number {
  const ms = policy.backoff === 'exponential' ? policy.delayMs * 2 ** (failedAttempt - 1) : policy.delayMs;
  return Math.min(ms, policy.maxDelayMs ?? Infinity);
}

/** Largest param value exported as WF_PARAM_<NAME>. */
const MAX_PARAM_ENV = 64 * 1024;

// The process env is copied once, not per job.
const PROCESS_ENV = { ...(process.env as Record<string, string>) };

/**
 * Runs one job instance's stages in order, each with its `if`, timeout, retries and
 * `continue-on-error`, and returns the job's result. Runs on the main thread: shell stages need no
 * thread, hook stages get one from the transport.
 */
export async function runJob(task: JobTask, io: JobIO): Promise<JobResult> {
  const { job } = task;
  // Controllers, timers and combined signals only where a timeout exists: a 10,000-stage run makes no spare ones.
  const jobTimeout = job.timeoutMs !== null ? new AbortController() : null;
  const cancelJobTimer = jobTimeout ? io.clock.setTimer(() => jobTimeout.abort(new Timeout('job', job.timeoutMs!)), job.timeoutMs!) : () => {};
  const signal = jobTimeout ? AbortSignal.any([io.signal, jobTimeout.signal]) : io.signal;
  const stages: NonNullable<ExprContext['stages']> = {};
  const ctx: ExprContext = {
    params: task.params,
    matrix: task.matrix ?? {},
    jobs: task.needs,
    env: { ...PROCESS_ENV, ...task.env },
    run: { ...task.runContext, id: task.runId, pipeline: task.pipeline, release: task.release, attempt: task.attempt },
    stages,
  };
  const maskErr = (e: WfError) => maskError(e.toJSON(), io.mask);
  try {
    const jobEnv = renderEnv(job.env, ctx, {});
    ctx.env = { ...(ctx.env as Record<string, string>), ...jobEnv };
    const baseEnv: Record<string, string> = { ...PROCESS_ENV, ...task.env, ...jobEnv, WF_RUN_ID: task.runId };
    for (const [name, value] of Object.entries(task.params)) {
      // The OS caps one environment string at 128 KB (E2BIG for the whole spawn): a param larger
      // than this is not exported, so stages that do not use it still run. Read it with ${{ }}.
      const text = toText(value);
      if (text.length <= MAX_PARAM_ENV) baseEnv[paramEnvName(name)] = text;
    }

    const { failed, error, pause } = await runStages(job.stages, { task, ctx, baseEnv, io, signal, prefix: '', reuse: true });
    if (pause) return { status: 'paused', outputs: {}, error: null, pause };
    if (jobTimeout?.signal.aborted) return { status: 'failed', outputs: {}, error: maskErr(new WfError('E_TIMEOUT', (jobTimeout.signal.reason as Timeout).message, { loc: job.loc })) };
    if (io.signal.aborted) return { status: 'cancelled', outputs: {}, error };
    if (failed) return { status: 'failed', outputs: {}, error };
    const outputs = maskDeep(renderDeep(job.outputs, ctx, { status: 'success' }) as Record<string, unknown>, io.mask);
    return { status: 'success', outputs, error: null };
  } catch (e) {
    const err = e instanceof WfError ? e.at(job.loc) : new WfError('E_INTERNAL', describeThrown(e), { loc: job.loc });
    return { status: 'failed', outputs: {}, error: maskErr(err) };
  } finally {
    cancelJobTimer();
  }
}

interface Sequence {
  task: JobTask;
  ctx: ExprContext;
  baseEnv: Record<string, string>;
  io: JobIO;
  signal: AbortSignal;
  /** Path prefix of these stages ('' for the job's own, `2.0.` inside a container). */
  prefix: string;
  /** Stages recorded as done by an earlier attempt may be kept (the job's own stages only). */
  reuse: boolean;
}

/** Runs stages in order in one scope (a job, or one pass of a container): the one recursive stage runner. */
async function runStages(list: readonly Stage[], seq: Sequence): Promise<{ failed: boolean; error: JobResult['error']; pause?: PauseInfo }> {
  const { task, ctx, io, signal } = seq;
  const stages = ctx.stages!;
  let failed = false;
  let error: JobResult['error'] = null;
  for (let i = 0; i < list.length; i++) {
    const stage = list[i]!;
    const path = seq.prefix + String(i);
    const kept = seq.reuse ? task.done?.[path] : undefined;
    const before = task.stageAttempts?.[path] ?? 0;
    if (kept) {
      // `wf retry`: a stage that succeeded keeps its outputs and does not run again.
      const name = io.mask(stageName(stage, ctx));
      io.emit({ t: 'stage-start', path, id: stage.id, name, kind: stage.kind, attempt: before, ts: io.clock.now() });
      io.emit({ t: 'stage-end', path, status: 'success', outputs: kept.outputs, error: null, attempt: before, ts: io.clock.now(), reused: true });
      if (stage.id) stages[stage.id] = { outputs: kept.outputs, status: 'success' } as { outputs: Record<string, unknown> };
      continue;
    }
    const render: RenderOptions = { status: signal.aborted ? 'cancelled' : failed ? 'failure' : 'success' };
    const outcome = await runStageAttempts({ task, stage, path, ctx, render, baseEnv: seq.baseEnv, io, signal, before, jobFailed: failed });
    // An input: stage with no input yet: the rest of the job waits for `wf resume`.
    if (outcome.pause) return { failed, error, pause: outcome.pause };
    if (stage.id) stages[stage.id] = { outputs: outcome.outputs, status: outcome.status } as { outputs: Record<string, unknown> };
    if (outcome.status === 'failed' && !outcome.tolerated) {
      failed = true;
      error ??= outcome.error;
    }
  }
  return { failed, error };
}

interface StageOutcome {
  status: NodeStatus;
  outputs: Record<string, unknown>;
  error: ReturnType<WfError['toJSON']> | null;
  /** A failure that `continue-on-error` lets the job go on from. */
  tolerated: boolean;
  pause?: PauseInfo;
}

interface StageStep {
  task: JobTask;
  stage: Stage;
  path: string;
  ctx: ExprContext;
  render: RenderOptions;
  baseEnv: Record<string, string>;
  io: JobIO;
  signal: AbortSignal;
  /** Attempts this stage had before this run attempt (`wf retry`). */
  before: number;
  jobFailed: boolean;
}

/** A stage's `if`, then its attempts (`retry:`), each recorded with its own start, end and error. */
async function runStageAttempts(step: StageStep): Promise<StageOutcome> {
  const { stage, path, io, ctx } = step;
  const name = io.mask(stageName(stage, ctx));
  const start = (attempt: number) => io.emit({ t: 'stage-start', path, id: stage.id, name, kind: stage.kind, attempt, ts: io.clock.now() });
  const end = (attempt: number, o: StageOutcome) => io.emit({ t: 'stage-end', path, status: o.status, outputs: o.outputs, error: o.error, attempt, ts: io.clock.now() });

  if (step.signal.aborted) {
    const o: StageOutcome = { status: 'cancelled', outputs: {}, error: null, tolerated: false };
    start(step.before + 1);
    end(step.before + 1, o);
    return o;
  }
  let run: boolean;
  const notes: string[] = [];
  try {
    run = shouldRun(stage, ctx, step.render, step.jobFailed, notes);
  } catch (e) {
    const o = failure(step, e);
    start(step.before + 1);
    end(step.before + 1, o);
    return o;
  }
  if (!run) {
    const o: StageOutcome = { status: 'skipped', outputs: {}, error: null, tolerated: false };
    start(step.before + 1);
    for (const text of notes) io.emit({ t: 'log', path, stream: 'log', text: `if: was false; ${text}`, ts: io.clock.now() });
    end(step.before + 1, o);
    return o;
  }
  const attempts = stage.retry?.attempts ?? 1;
  for (let n = 1; ; n++) {
    const attempt = step.before + n;
    start(attempt);
    const o = await runStageOnce(step, attempt);
    end(attempt, o);
    if (o.status !== 'failed' || n >= attempts || step.signal.aborted) return o; // 'paused' included
    const delay = retryDelay(stage.retry!, n);
    io.emit({ t: 'log', path, stream: 'log', text: `attempt ${n} of ${attempts} failed (${o.error?.message ?? 'failed'}); retrying in ${formatDuration(delay)}`, ts: io.clock.now() });
    await sleep(io.clock, delay, step.signal).catch(() => {});
    if (step.signal.aborted) return o;
  }
}

async function runStageOnce(step: StageStep, attempt: number): Promise<StageOutcome> {
  const { stage, path, io, task } = step;
  const timeout = stage.timeoutMs !== null ? new AbortController() : null;
  const cancelTimer = timeout ? io.clock.setTimer(() => timeout.abort(new Timeout('stage', stage.timeoutMs!)), stage.timeoutMs!) : () => {};
  const signal = timeout ? AbortSignal.any([step.signal, timeout.signal]) : step.signal;
  const owner = { jobKey: task.jobKey, stagePath: path };
  const run: StageRun = {
    task,
    stage,
    path,
    attempt,
    ctx: step.ctx,
    render: step.render,
    baseEnv: step.baseEnv,
    signal,
    clock: io.clock,
    spawn: (request, onData) => io.transport.spawn(request, owner, onData, signal),
    callHook: (call) => io.transport.callHook(call, signal),
    log: (stream, text) => io.emit({ t: 'log', path, stream, text: io.mask(text), ts: io.clock.now() }),
    startChild: (request) => {
      if (!io.startChild) throw new WfError('E_STAGE', 'trigger: child runs are not available here', { loc: stage.loc });
      return io.startChild(request);
    },
    nested: async (stages, scope, prefix) => {
      const childCtx: ExprContext = { ...step.ctx, stages: { ...step.ctx.stages }, ...scope };
      const r = await runStages(stages, { task, ctx: childCtx, baseEnv: step.baseEnv, io, signal, prefix: `${prefix}.`, reuse: false });
      const outputs: Record<string, Record<string, unknown>> = {};
      for (const s of walkIds(stages)) {
        const got = (childCtx.stages as Record<string, { outputs: Record<string, unknown> }>)[s];
        if (got) outputs[s] = got.outputs;
      }
      return { status: signal.aborted && !r.failed ? 'cancelled' : r.failed ? 'failed' : 'success', stages: outputs, error: r.error ? WfError.fromJSON(r.error) : null };
    },
  };
  try {
    const outputs = await STAGE_RUNNERS[stage.kind](run);
    if (timeout?.signal.aborted) return timedOut(step, timeout.signal.reason as Timeout, outputs);
    return { status: 'success', outputs: maskDeep(outputs, io.mask), error: null, tolerated: false };
  } catch (e) {
    if (e instanceof PauseRequest) {
      return { status: 'paused', outputs: {}, error: null, tolerated: false, pause: { jobKey: task.jobKey, path, stageId: stage.id, prompt: io.mask(e.prompt), schema: e.schema } };
    }
    if (timeout?.signal.aborted) return timedOut(step, timeout.signal.reason as Timeout, e instanceof StageFailure ? e.outputs : {});
    const jobTimedOut = step.signal.aborted && step.signal.reason instanceof Timeout;
    if (jobTimedOut) return timedOut(step, step.signal.reason as Timeout, e instanceof StageFailure ? e.outputs : {});
    if ((e instanceof StageFailure && e.cancelled) || step.signal.aborted) {
      return { status: 'cancelled', outputs: maskDeep(e instanceof StageFailure ? e.outputs : {}, io.mask), error: null, tolerated: false };
    }
    return failure(step, e);
  } finally {
    cancelTimer();
  }
}

function timedOut(step: StageStep, reason: Timeout, outputs: Record<string, unknown>): StageOutcome {
  const error = new WfError('E_TIMEOUT', reason.message, { loc: reason.what === 'stage' ? step.stage.loc : step.task.job.loc, hint: reason.what === 'stage' ? 'raise timeout: or make the stage faster' : undefined });
  return withTolerance(step, { status: 'failed', outputs: maskDeep(outputs, step.io.mask), error: maskError(error.toJSON(), step.io.mask), tolerated: false });
}

/** Anything that goes wrong in a stage, an expression included, is this stage's failure at its place. */
function failure(step: StageStep, e: unknown): StageOutcome {
  const { stage, io } = step;
  const error =
    e instanceof StageFailure ? e.error : e instanceof WfError ? e.at(stage.loc) : new WfError('E_STAGE', describeThrown(e), { loc: stage.loc });
  const outputs = e instanceof StageFailure ? e.outputs : {};
  return withTolerance(step, { status: 'failed', outputs: maskDeep(outputs, io.mask), error: maskError(error.toJSON(), io.mask), tolerated: false });
}

function withTolerance(step: StageStep, o: StageOutcome): StageOutcome {
  try {
    o.tolerated = truthy(renderDeep(step.stage.continueOnError, step.ctx, step.render));
  } catch {
    o.tolerated = false; // a broken continue-on-error does not hide the failure
  }
  return o;
}

const STATUS_FUNCTIONS = /\b(success|failure|always|cancelled)\s*\(/;

/** GitHub's rule: an `if` without a status function means `success() && (if)`. `notes` collects why it may surprise. */
function shouldRun(stage: Stage, ctx: ExprContext, render: RenderOptions, failed: boolean, notes: string[]): boolean {
  if (stage.if === null || stage.if === undefined) return !failed && render.status !== 'cancelled';
  const usesStatus = typeof stage.if === 'string' && STATUS_FUNCTIONS.test(stage.if);
  if ((failed || render.status === 'cancelled') && !usesStatus) return false;
  return truthy(renderDeep(stage.if, ctx, { ...render, notes }));
}

/** The ids of these stages (not their children's: those are the children's scope). */
function walkIds(stages: readonly Stage[]): string[] {
  return stages.flatMap((s) => (s.id ? [s.id] : []));
}

/** A name may use expressions (`Aggregate ${{ matrix.table }}`); a name that fails to render stays as written. */
function stageName(stage: Stage, ctx: ExprContext): string {
  try {
    return toText(renderDeep(stage.name, ctx));
  } catch {
    return stage.name;
  }
}
