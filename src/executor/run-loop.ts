import { isoNow, type Clock } from '../clock/index.js';
import { describeThrown, WfError, type SerializedWfError } from '../errors/index.js';
import { formatDuration } from '../model/duration.js';
import type { Job, Pipeline } from '../model/types.js';
import { planJobs } from '../planner/index.js';
import { HEARTBEAT_MS, type JobRecord, type NodeStatus, type RunRecord, type Store } from '../store/index.js';
import { renderDeep, truthy, type ExprContext } from '../template/index.js';
import { jobCells } from './job-cells.js';
import { retryDelay, runJob, type JobIO } from './job-runner.js';
import { makeMasker, maskError } from './mask.js';
import { needsOf, referencedJobs } from './needs-context.js';
import type { JobResult, JobTask, PauseInfo } from './protocol.js';
import { renderEnv } from './render-env.js';
import type { RunEventListener } from './run-events.js';
import { RunRecorder } from './run-recorder.js';
import { removeRunTempDir } from './run-files.js';
import { StoreWriter } from './store-writer.js';
import type { JobTransport } from './transport.js';
import { triggerRuleMet } from './trigger-rules.js';

/** What an earlier attempt of this run left (`wf retry`): kept results and attempt counts. */
export interface RunSeed {
  /** Job records by instance key. */
  jobs: Map<string, JobRecord>;
  /** Successful stages by instance key → path → outputs. */
  stages: Map<string, Record<string, { outputs: Record<string, unknown> }>>;
  /** Attempts so far by `key` (job) and `key\0path` (stage). */
  attempts: Map<string, number>;
  /** Jobs to run again (those that did not succeed, what was asked for, and everything downstream). */
  rerun: Set<string>;
  /** `--from JOB[.STAGE]`: jobs whose kept cells and stages are run again, from this stage index. */
  from: Map<string, number>;
  /** `wf resume`: validated input values by instance key → `input:` stage path. */
  inputs?: Map<string, Record<string, Record<string, unknown>>>;
}

export interface RunLoopOptions {
  pipeline: Pipeline;
  /** The run, already in the store as `running` and owned by this process. */
  run: RunRecord;
  /** Clear values (stages need them); the run record holds the masked ones. */
  params: Record<string, unknown>;
  secretParams: string[];
  secrets: string[];
  store: Store;
  transport: JobTransport;
  registry: string[];
  maxParallel: number;
  clock: Clock;
  onEvent?: RunEventListener;
  signal?: AbortSignal;
  seed?: RunSeed;
  runContext?: Record<string, unknown>;
  /** Called when the run stops on an error (to kill what it started). */
  onFatal?(error: unknown): void;
  /** Starts child runs for `trigger:` stages. */
  startChild?: JobIO['startChild'];
}

interface Instance {
  key: string;
  job: JobState;
  matrix: Record<string, unknown> | null;
  shown: Record<string, unknown> | null;
  status: NodeStatus;
  outputs: Record<string, unknown>;
  attempt: number;
  startedAt: number;
  abort?: AbortController;
  retryTimer?: () => void;
}

interface JobState {
  job: Job;
  status: 'waiting' | 'running' | 'done';
  result: NodeStatus;
  error: SerializedWfError | null;
  instances: Instance[];
  outputs: Record<string, unknown>;
  startedAt: number;
  tolerated: boolean;
  waitingNeeds: number;
  running: number;
  /** Instances waiting for the job's own max-parallel. */
  queued: Instance[];
  unsettled: number;
  refs: Set<string> | 'all';
}

/** After a cancel, how long jobs may take to stop before the run stops waiting for them. */
const CANCEL_WATCH_MS = 500;
export const ON_FAILURE_KEY = '(on-failure)';
/** The abort reason a stopping scheduler gives its runs. */
export const SHUTDOWN = 'wf:shutdown';

/**
 * The run loop: an iterative state machine over the job DAG (a worklist, no recursion). A job
 * instance starts the moment what it needs is done, up to `maxParallel` at once; every state
 * change is stored before it is shown. Seeded from the store, the same loop continues a run
 * (`wf retry`): kept jobs and stages are not run again.
 */
export async function runLoop(o: RunLoopOptions): Promise<RunRecord> {
  const { pipeline, store, clock } = o;
  const run: RunRecord = { ...o.run };
  const writer = new StoreWriter(store);
  // Events come in bursts within one millisecond: format each instant once.
  let lastMs = NaN;
  let lastIso = '';
  const iso = (ms: number) => (ms === lastMs ? lastIso : ((lastMs = ms), (lastIso = new Date(ms).toISOString())));
  const recorder = new RunRecorder(run.id, writer, o.onEvent ?? (() => {}), iso, o.seed !== undefined);
  const mask = makeMasker(o.secrets);
  const runCtx = { ...o.runContext, id: run.id, pipeline: pipeline.name, release: run.release, attempt: run.attempt };
  const pipelineEnv = renderEnv(pipeline.env, { params: o.params, run: runCtx });
  const envCtx = { ...(process.env as Record<string, string>), ...pipelineEnv };
  const baseCtx = (): ExprContext => ({ params: o.params, env: envCtx, run: runCtx });

  const plan = planJobs(pipeline.jobs.map((j) => ({ id: j.id, needs: j.needs, loc: j.loc })));
  const jobs = new Map<string, JobState>();
  for (const job of pipeline.jobs) {
    jobs.set(job.id, { job, status: 'waiting', result: 'pending', error: null, instances: [], outputs: {}, startedAt: 0, tolerated: false, waitingNeeds: job.needs.length, running: 0, queued: [], unsettled: 0, refs: referencedJobs(job) });
  }
  const toStart: JobState[] = [];
  const ready: Instance[] = [];
  let readyHead = 0;
  const inFlight = new Set<Instance>();
  let jobsDone = 0;
  let timersPending = 0;
  const pauses: PauseInfo[] = [];
  let cancelled = o.signal?.aborted ?? false;
  let cancelReason = 'cancelled';
  let fatal: unknown;
  let wake: () => void = () => {};
  const settled = new Promise<void>((resolve) => (wake = resolve));
  const capped = new Set<string>();

  // Callbacks from timers and job promises: a throw there ends the run here.
  const guard = <A extends unknown[]>(fn: (...args: A) => void) => (...args: A): void => {
    try {
      fn(...args);
    } catch (e) {
      fail(e);
    }
  };
  const fail = (e: unknown) => {
    fatal ??= e;
    for (const inst of inFlight) inst.abort?.abort();
    wake();
  };
  writer.onError = fail;

  recorder.event({ type: 'run-start', run, jobs: [...jobs.keys()] });
  seedKept();

  function seedKept(): void {
    const seed = o.seed;
    if (!seed) return;
    for (const state of jobs.values()) {
      if (seed.rerun.has(state.job.id)) continue;
      const recs = [...seed.jobs.values()].filter((r) => r.jobId === state.job.id);
      for (const r of recs) recorder.keep(r);
      state.status = 'done';
      jobsDone++;
      const statuses = recs.map((r) => r.status);
      state.result = statuses.length === 0 ? 'skipped' : statuses.includes('failed') ? 'failed' : statuses.every((s) => s === 'skipped') ? 'skipped' : 'success';
      state.outputs = Object.assign({}, ...recs.map((r) => r.outputs ?? {}));
      for (const dependent of plan.dependents.get(state.job.id) ?? []) jobs.get(dependent)!.waitingNeeds--;
    }
  }

  /** Finishes a job (never recursing): its dependents are queued to be looked at by `drain`. */
  function finishJob(state: JobState, result: NodeStatus, error: SerializedWfError | null, reason?: string): void {
    state.status = 'done';
    state.result = result;
    state.error = error;
    jobsDone++;
    const ts = clock.now();
    if (state.instances.length === 0) {
      recorder.job(state.job.id, state.job.id, { status: result, startedAt: state.startedAt ? iso(state.startedAt) : null, endedAt: iso(ts), outputs: state.outputs, error });
    }
    const single = state.instances.length === 1 && state.instances[0]!.key === state.job.id;
    if (!single) recorder.jobEnd(state.job.id, state.job.id, result, error, ts, state.startedAt ? ts - state.startedAt : 0, reason);
    if (result === 'paused') return; // what needs it waits for `wf resume`
    for (const dependent of plan.dependents.get(state.job.id) ?? []) {
      const d = jobs.get(dependent)!;
      if (--d.waitingNeeds === 0) toStart.push(d);
    }
  }

  const effective = (s: JobState): NodeStatus => (s.result === 'failed' && s.tolerated ? 'success' : s.result);

  function drain(): void {
    while (toStart.length > 0) start(toStart.pop()!);
    pump();
  }

  function start(state: JobState): void {
    if (state.status !== 'waiting' || state.waitingNeeds > 0) return;
    const { job } = state;
    state.status = 'running';
    if (cancelled) return finishJob(state, 'cancelled', null, cancelReason);
    const upstream = job.needs.map((n) => jobs.get(n)!);
    const statuses = upstream.map(effective);
    if (!triggerRuleMet(job.triggerRule, statuses)) {
      const upstreamFailed = statuses.some((x) => x === 'failed' || x === 'upstream_failed');
      return finishJob(state, upstreamFailed ? 'upstream_failed' : 'skipped', null, `trigger rule ${job.triggerRule} not met`);
    }
    const ctx: ExprContext = { ...baseCtx(), jobs: needsOf(job, state.refs, jobs) };
    let cells;
    state.startedAt = clock.now();
    try {
      if (job.if !== null && job.if !== undefined) {
        const status = statuses.every((x) => x === 'success' || x === 'skipped') ? 'success' : 'failure';
        const notes: string[] = [];
        if (!truthy(renderDeep(job.if, ctx, { status, notes }))) return finishJob(state, 'skipped', null, ['if: was false', ...notes].join('; '));
      }
      state.tolerated = truthy(renderDeep(job.continueOnError, ctx));
      cells = jobCells(job, ctx, mask);
    } catch (e) {
      const err = e instanceof WfError ? e.at(job.loc) : new WfError('E_INTERNAL', describeThrown(e), { loc: job.loc });
      return finishJob(state, 'failed', maskError(err.toJSON(), mask));
    }
    if (cells.length === 0) return finishJob(state, 'skipped', null, 'the matrix has no cells');
    const limit = job.maxParallel;
    if (job.matrix && limit !== null && limit > o.maxParallel && !capped.has(job.id)) {
      capped.add(job.id);
      recorder.event({ type: 'notice', text: `job '${job.id}': max-parallel ${limit} is capped by the run's --max-parallel ${o.maxParallel}`, ts: clock.now() });
    }
    const seed = o.seed;
    const from = seed?.from.get(job.id);
    for (const cell of cells) {
      const prior = seed?.jobs.get(cell.key);
      const inst: Instance = { key: cell.key, job: state, matrix: cell.matrix, shown: cell.shown, status: 'pending', outputs: {}, attempt: (seed?.attempts.get(cell.key) ?? 0) + 1, startedAt: 0 };
      state.instances.push(inst);
      if (prior?.status === 'success' && from === undefined) {
        // `wf retry`: a matrix cell that succeeded keeps its outputs.
        inst.status = 'success';
        inst.outputs = prior.outputs ?? {};
        recorder.keep(prior);
        continue;
      }
      state.unsettled++;
      ready.push(inst);
    }
    if (state.unsettled === 0) settleJob(state);
  }

  function pump(): void {
    while (readyHead < ready.length && inFlight.size < o.maxParallel) {
      const inst = ready[readyHead++]!;
      if (inst.status !== 'pending') continue;
      const state = inst.job;
      if (state.job.maxParallel !== null && state.running >= state.job.maxParallel) {
        state.queued.push(inst);
        continue;
      }
      dispatch(inst);
    }
    if (readyHead > 1024 && readyHead * 2 > ready.length) {
      ready.splice(0, readyHead);
      readyHead = 0;
    }
    // Settled: nothing runs, waits or is ready; jobs not done then wait behind a paused one.
    if (inFlight.size === 0 && readyHead >= ready.length && toStart.length === 0 && timersPending === 0) wake();
  }

  function dispatch(inst: Instance): void {
    const state = inst.job;
    inst.status = 'running';
    inst.startedAt = clock.now();
    inst.abort = new AbortController();
    state.running++;
    inFlight.add(inst);
    const rec = recorder.job(inst.key, state.job.id, { matrix: inst.shown, status: 'running', startedAt: iso(inst.startedAt), endedAt: null, error: null, outputs: null, attempt: inst.attempt });
    recorder.jobAttempt(rec);
    recorder.event({ type: 'job-start', key: inst.key, jobId: state.job.id, matrix: inst.shown, ts: inst.startedAt, attempt: inst.attempt });
    const seed = o.seed;
    const from = seed?.from.get(state.job.id);
    const keptStages = seed?.stages.get(inst.key) ?? {};
    const done = Object.fromEntries(Object.entries(keptStages).filter(([path]) => from === undefined || Number(path.split('.')[0]) < from));
    const stageAttempts: Record<string, number> = {};
    state.job.stages.forEach((_, i) => {
      const n = seed?.attempts.get(`${inst.key}\0${i}`);
      if (n) stageAttempts[String(i)] = n;
    });
    const task: JobTask = {
      runId: run.id, pipeline: pipeline.name, jobKey: inst.key, job: state.job, attempt: run.attempt, release: run.release,
      params: o.params, secretParams: o.secretParams, matrix: inst.matrix, needs: needsOf(state.job, state.refs, jobs), env: pipelineEnv,
      registry: o.registry, secrets: o.secrets, done, stageAttempts, runContext: o.runContext, inputs: seed?.inputs?.get(inst.key),
    };
    runJob(task, { emit: (ev) => recorder.stage(inst.key, ev), transport: o.transport, mask, signal: inst.abort.signal, clock, startChild: o.startChild })
      .then(guard((result: JobResult) => onInstanceDone(inst, result)), fail);
  }

  function onInstanceDone(inst: Instance, result: JobResult): void {
    if (!inFlight.has(inst)) return;
    inFlight.delete(inst);
    const state = inst.job;
    state.running--;
    const ts = clock.now();
    const rec = recorder.job(inst.key, state.job.id, { status: result.status, endedAt: iso(ts), outputs: result.outputs, error: result.error });
    recorder.jobAttempt(rec);
    const retry = state.job.retry;
    if (result.status === 'failed' && retry && !cancelled && inst.attempt - (o.seed?.attempts.get(inst.key) ?? 0) < retry.attempts) {
      // The job runs again from its first stage after the delay; this attempt stays recorded.
      const delay = retryDelay(retry, inst.attempt - (o.seed?.attempts.get(inst.key) ?? 0));
      recorder.event({ type: 'log', jobKey: inst.key, path: null, stream: 'system', text: `job attempt ${inst.attempt} failed (${result.error?.message ?? 'failed'}); retrying in ${formatDuration(delay)}`, ts });
      inst.status = 'pending';
      inst.attempt++;
      state.running++; // holds its slot of the job's max-parallel while it waits
      timersPending++;
      inst.retryTimer = clock.setTimer(guard(() => {
        inst.retryTimer = undefined;
        timersPending--;
        state.running--;
        if (cancelled) return cancelInstance(inst);
        ready.push(inst);
        pump();
      }), delay);
      return;
    }
    inst.status = result.status;
    inst.outputs = result.outputs;
    if (result.pause) pauses.push(result.pause);
    recorder.jobEnd(inst.key, state.job.id, result.status, result.error, ts, ts - inst.startedAt, undefined, inst.attempt);
    if (result.status === 'failed' && state.job.failFast && state.instances.length > 1) {
      for (const x of state.instances) if (x !== inst) cancelInstance(x, 'fail-fast: another cell failed');
    }
    let next = state.queued.shift();
    while (next && next.status !== 'pending') next = state.queued.shift();
    if (next) ready.push(next);
    state.unsettled--;
    settleJob(state);
    drain();
  }

  function cancelInstance(x: Instance, why = cancelReason): void {
    if (x.status === 'pending') {
      x.retryTimer?.();
      if (x.retryTimer) {
        x.job.running--;
        timersPending--;
      }
      x.retryTimer = undefined;
      x.status = 'cancelled';
      const ts = clock.now();
      recorder.job(x.key, x.job.job.id, { matrix: x.shown, status: 'cancelled', endedAt: iso(ts) });
      recorder.jobEnd(x.key, x.job.job.id, 'cancelled', null, ts, 0, why);
      x.job.unsettled--;
      settleJob(x.job);
    } else if (x.status === 'running') {
      x.abort?.abort();
    }
  }

  /** Finishes a job once none of its instances is pending or running. */
  function settleJob(state: JobState): void {
    if (state.status !== 'running' || state.unsettled > 0) return;
    // A matrix job's outputs merge its cells in matrix order (GitHub Actions: later cells win).
    state.outputs = Object.assign({}, ...state.instances.map((x) => x.outputs));
    const statuses = state.instances.map((x) => x.status);
    const status: NodeStatus = statuses.includes('failed') ? 'failed' : statuses.includes('paused') ? 'paused' : statuses.includes('cancelled') ? 'cancelled' : 'success';
    const failedKey = state.instances.find((x) => x.status === 'failed')?.key;
    finishJob(state, status, failedKey ? (recorder.jobRecord(failedKey)?.error ?? null) : null);
  }

  const cancel = guard((reason: string) => {
    if (cancelled) return;
    cancelled = true;
    cancelReason = reason;
    recorder.event({ type: 'notice', text: `cancelling: ${reason}`, ts: clock.now() });
    for (const state of jobs.values()) for (const x of state.instances) cancelInstance(x, reason);
    drain();
  });
  // A scheduler that stops (SIGTERM, past its grace) aborts with SHUTDOWN: the run is `interrupted`.
  let shutdown = false;
  const onAbort = () => {
    shutdown = o.signal?.reason === SHUTDOWN;
    cancel(shutdown ? 'the scheduler is stopping' : 'cancelled');
  };
  // A forced exit (a second Ctrl-C) still leaves the run recorded as cancelled.
  const onExit = () => {
    try {
      writer.push({ op: 'run-close', id: run.id, status: 'cancelled', nodeStatus: 'cancelled', endedAt: isoNow(clock) });
      writer.flush();
    } catch {
      // exiting anyway: the next wf command marks the run interrupted
    }
  };
  process.on('exit', onExit);
  o.signal?.addEventListener('abort', onAbort, { once: true });

  // The owner watches the store: `wf cancel` from another process, and it writes a heartbeat.
  let lastBeat = clock.now();
  let stopWatch = () => {};
  const watch = guard(() => {
    const now = clock.now();
    if (now - lastBeat >= HEARTBEAT_MS) {
      lastBeat = now;
      recorder.run({ heartbeatAt: iso(now) });
    }
    const stored = store.getRun(run.id);
    if (stored?.cancelRequestedAt && !cancelled) cancel('cancelled by wf cancel');
    stopWatch = clock.setTimer(watch, CANCEL_WATCH_MS);
  });
  stopWatch = clock.setTimer(watch, CANCEL_WATCH_MS);

  try {
    for (const id of plan.order) {
      const s = jobs.get(id)!;
      if (s.status === 'waiting' && s.waitingNeeds === 0) toStart.push(s);
    }
    toStart.reverse(); // drain pops: keep plan order
    drain();
    await settled;
    if (fatal) throw fatal;
    const failedJob = [...jobs.values()].find((s) => s.result === 'failed' && !s.tolerated);
    run.status = cancelled ? (shutdown ? 'interrupted' : 'cancelled') : pauses.length > 0 ? 'paused' : failedJob ? 'failed' : 'success';
    run.error = failedJob ? failedJob.error : null;
    if (run.status === 'paused') {
      run.context = { ...run.context, pauses };
      recorder.run({ context: run.context });
    }
    if (run.status === 'failed' && pipeline.onFailure && !fatal) await runOnFailure(pipeline.onFailure);
    if (fatal) throw fatal;
  } catch (e) {
    // A bug or a store failure must not leave the run `running`, nor processes behind.
    for (const inst of inFlight) inst.abort?.abort();
    run.status = 'failed';
    const err = e instanceof WfError ? e : new WfError('E_INTERNAL', describeThrown(e));
    run.error = maskError(err.toJSON(), mask);
    o.onFatal?.(e);
    throw e;
  } finally {
    stopWatch();
    removeRunTempDir(run.id);
    o.signal?.removeEventListener('abort', onAbort);
    run.endedAt = isoNow(clock);
    run.pid = null;
    process.off('exit', onExit);
    try {
      for (const rec of recorder.allJobs()) if (rec.status === 'running' || rec.status === 'pending') recorder.job(rec.key, rec.jobId, { status: 'cancelled', endedAt: run.endedAt });
      // Nothing stays `running` in a finished run, whatever path got here.
      writer.push({ op: 'run-close', id: run.id, status: run.status, nodeStatus: 'cancelled', endedAt: run.endedAt, error: run.error });
      recorder.event({ type: 'run-end', run, jobs: recorder.allJobs() });
      writer.flush();
    } catch (e) {
      fatal ??= e; // the store failed: the next wf command marks the run interrupted
    }
  }
  if (fatal) throw fatal;
  return run;

  /** `on-failure:` runs once when the run failed; it sees every job's status, outputs and error. */
  async function runOnFailure(job: Job): Promise<void> {
    const all = new Map([...jobs].map(([id, s]) => [id, s]));
    const needs: JobTask['needs'] = {};
    for (const [id, s] of all) needs[id] = { outputs: s.outputs, status: s.result, result: s.result, error: s.error };
    const key = ON_FAILURE_KEY;
    const attempt = (o.seed?.attempts.get(key) ?? 0) + 1;
    const startedAt = clock.now();
    const abort = new AbortController();
    const onCancel = () => abort.abort();
    o.signal?.addEventListener('abort', onCancel, { once: true });
    const rec = recorder.job(key, 'on-failure', { status: 'running', startedAt: iso(startedAt), attempt });
    recorder.jobAttempt(rec);
    recorder.event({ type: 'job-start', key, jobId: 'on-failure', matrix: null, ts: startedAt, attempt });
    const failedJobs = [...all.values()].filter((s) => s.result === 'failed').map((s) => ({ job: s.job.id, error: s.error?.message ?? null }));
    const task: JobTask = {
      runId: run.id, pipeline: pipeline.name, jobKey: key, job, attempt: run.attempt, release: run.release, params: o.params,
      secretParams: o.secretParams, matrix: null, needs, env: pipelineEnv, registry: o.registry, secrets: o.secrets,
      runContext: { ...o.runContext, failed_jobs: failedJobs, error: run.error?.message ?? null },
    };
    const result = await runJob(task, { emit: (ev) => recorder.stage(key, ev), transport: o.transport, mask, signal: abort.signal, clock, startChild: o.startChild });
    o.signal?.removeEventListener('abort', onCancel);
    const ts = clock.now();
    const end = recorder.job(key, 'on-failure', { status: result.status, endedAt: iso(ts), outputs: result.outputs, error: result.error });
    recorder.jobAttempt(end);
    recorder.jobEnd(key, 'on-failure', result.status, result.error, ts, ts - startedAt, undefined, attempt);
  }
}
