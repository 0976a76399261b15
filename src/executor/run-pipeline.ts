import { MessageChannel } from 'node:worker_threads';
import { WfError, type SerializedWfError } from '../errors/index.js';
import type { Job, Pipeline } from '../model/types.js';
import { planJobs, type Plan } from '../planner/index.js';
import type { JobRecord, NodeStatus, RunRecord, RunTrigger, Store } from '../store/types.js';
import { renderDeep, truthy, type ExprContext } from '../template/index.js';
import { jobCells } from './job-cells.js';
import { makeMasker, maskError } from './mask.js';
import { ProcessHost } from './process-host.js';
import type { WorkerPool } from './pool.js';
import type { JobResult, JobTask, MainMessage, WorkerEvent } from './protocol.js';
import { renderEnv } from './render-env.js';
import type { RunEventListener } from './run-events.js';
import { needsOf, type Instance, type JobState } from './run-state.js';
import { stageRecorder } from './stage-recorder.js';
import { StoreWriter } from './store-writer.js';
import { triggerRuleMet } from './trigger-rules.js';

export interface ExecuteOptions {
  pipeline: Pipeline;
  runId: string;
  /** Clear values (the workers need them); `maskedParams` is what gets stored and shown. */
  params: Record<string, unknown>;
  maskedParams: Record<string, unknown>;
  secretParams: string[];
  secrets: string[];
  store: Store;
  pool: WorkerPool;
  registry: string[];
  maxParallel: number;
  release: string | null;
  trigger: RunTrigger;
  attempt?: number;
  onEvent?: RunEventListener;
  signal?: AbortSignal;
}

/** After Ctrl-C, how long a job may take to stop (a hook that ignores its signal) before its worker is ended. */
const CANCEL_GRACE_MS = 3000;

/**
 * Runs a pipeline's DAG with a ready queue: a job instance is dispatched the moment everything it
 * needs is done, up to `maxParallel` at once; results are persisted as they stream in.
 */
export async function executeRun(o: ExecuteOptions): Promise<RunRecord> {
  const { pipeline, store } = o;
  const writer = new StoreWriter(store);
  const emit = o.onEvent ?? (() => {});
  const mask = makeMasker(o.secrets);
  const now = () => new Date().toISOString();
  const run: RunRecord = {
    id: o.runId, pipeline: pipeline.name, status: 'running', params: o.maskedParams, release: o.release,
    attempt: o.attempt ?? 1, trigger: o.trigger, parentRunId: null, startedAt: now(), endedAt: null, error: null, pid: process.pid,
  };
  writer.push({ op: 'run', run });
  writer.flush();
  emit({ type: 'run-start', run });

  const plan: Plan = planJobs(pipeline.jobs.map((j) => ({ id: j.id, needs: j.needs, loc: j.loc })));
  const jobs = new Map<string, JobState>(pipeline.jobs.map((job) => [job.id, { job, status: 'waiting', result: 'pending', instances: [], outputs: {}, startedAt: 0, tolerated: false }]));
  const ready: Instance[] = [];
  const inFlight = new Set<Instance>();
  const jobRecords = new Map<string, JobRecord>();
  let cancelled = o.signal?.aborted ?? false;
  const runCtx = { id: run.id, pipeline: pipeline.name, release: o.release, attempt: run.attempt };
  const pipelineEnv = renderEnv(pipeline.env, { params: o.params, run: runCtx });
  const envCtx = { ...(process.env as Record<string, string>), ...pipelineEnv };
  const baseCtx = (): ExprContext => ({ params: o.params, env: envCtx, run: runCtx });

  const host = new ProcessHost();
  // A forced exit (second Ctrl-C) leaves no process group behind and the run recorded as cancelled.
  const killOnExit = () => {
    host.killNow();
    try {
      for (const rec of jobRecords.values()) if (rec.status === 'running' || rec.status === 'pending') recordJob(rec.key, rec.jobId, { status: 'cancelled', endedAt: now() });
      writer.push({ op: 'run-update', id: run.id, patch: { status: 'cancelled', endedAt: now(), pid: null } });
      writer.flush();
    } catch {
      // exiting anyway: the next start marks the run interrupted
    }
  };
  process.on('exit', killOnExit);

  let wake: () => void = () => {};
  const settled = new Promise<void>((resolve) => (wake = resolve));
  // Worker messages and timers call in from outside the awaited flow: a throw there ends the run here.
  let fatal: unknown;
  const guard = <A extends unknown[]>(fn: (...args: A) => void) => (...args: A): void => {
    try {
      fn(...args);
    } catch (e) {
      fatal ??= e;
      wake();
    }
  };
  writer.onError = guard((e: unknown) => {
    throw e;
  });

  const recordJob = (key: string, jobId: string, patch: Partial<JobRecord>) => {
    const rec: JobRecord = { ...(jobRecords.get(key) ?? { runId: run.id, key, jobId, matrix: null, status: 'pending', startedAt: null, endedAt: null, outputs: null, error: null }), ...patch };
    jobRecords.set(key, rec);
    writer.push({ op: 'job', job: rec });
  };

  const finishJob = (state: JobState, result: NodeStatus, error: SerializedWfError | null, reason?: string) => {
    state.status = 'done';
    state.result = result;
    if (state.instances.length === 0) {
      recordJob(state.job.id, state.job.id, { status: result, startedAt: state.startedAt ? new Date(state.startedAt).toISOString() : null, endedAt: now(), outputs: state.outputs, error });
    }
    const ts = Date.now();
    const single = state.instances.length === 1 && state.instances[0]!.key === state.job.id;
    if (!single) emit({ type: 'job-end', key: state.job.id, jobId: state.job.id, status: result, error, reason, ts, durationMs: state.startedAt ? ts - state.startedAt : 0 });
    for (const dependent of plan.dependents.get(state.job.id) ?? []) maybeStart(jobs.get(dependent)!);
  };

  const needsContext = (job: Job) => needsOf(job.id, jobs);

  const effective = (s: JobState): NodeStatus => (s.result === 'failed' && s.tolerated ? 'success' : s.result);

  function maybeStart(state: JobState): void {
    if (state.status !== 'waiting') return;
    const upstream = state.job.needs.map((n) => jobs.get(n)!);
    if (upstream.some((u) => u.status !== 'done')) return;
    const { job } = state;
    state.status = 'running';
    if (cancelled) return finishJob(state, 'cancelled', null);
    const statuses = upstream.map(effective);
    if (!triggerRuleMet(job.triggerRule, statuses)) {
      const upstreamFailed = statuses.some((x) => x === 'failed' || x === 'upstream_failed');
      return finishJob(state, upstreamFailed ? 'upstream_failed' : 'skipped', null, `trigger rule ${job.triggerRule} not met`);
    }
    const ctx: ExprContext = { ...baseCtx(), jobs: needsContext(job) };
    let cells;
    try {
      if (job.if !== null && job.if !== undefined) {
        const status = statuses.every((x) => x === 'success' || x === 'skipped') ? 'success' : 'failure';
        if (!truthy(renderDeep(job.if, ctx, { status }))) return finishJob(state, 'skipped', null, 'if: was false');
      }
      state.tolerated = truthy(renderDeep(job.continueOnError, ctx));
      cells = jobCells(job, ctx, mask);
    } catch (e) {
      const err = e instanceof WfError ? e.at(job.loc) : new WfError('E_INTERNAL', String(e), { loc: job.loc });
      state.startedAt = Date.now();
      return finishJob(state, 'failed', maskError(err.toJSON(), mask));
    }
    state.startedAt = Date.now();
    state.instances = cells.map((cell, index) => ({ key: cell.key, jobId: job.id, matrix: cell.matrix, shown: cell.shown, index, status: 'pending' as NodeStatus, outputs: {} }));
    if (state.instances.length === 0) return finishJob(state, 'skipped', null, 'the matrix has no cells');
    for (const inst of state.instances) ready.push(inst);
    pump();
  }

  function pump(): void {
    for (let i = 0; i < ready.length && inFlight.size < o.maxParallel; ) {
      const inst = ready[i]!;
      const state = jobs.get(inst.jobId)!;
      const limit = state.job.maxParallel ?? Infinity;
      const running = state.instances.filter((x) => x.status === 'running').length;
      if (running >= limit) {
        i++;
        continue;
      }
      ready.splice(i, 1);
      dispatch(inst, state);
    }
    if (inFlight.size === 0 && ready.length === 0 && [...jobs.values()].every((s) => s.status === 'done')) wake();
  }

  function dispatch(inst: Instance, state: JobState): void {
    inst.status = 'running';
    inst.startedAt = Date.now();
    inFlight.add(inst);
    recordJob(inst.key, inst.jobId, { matrix: inst.shown, status: 'running', startedAt: now() });
    emit({ type: 'job-start', key: inst.key, jobId: inst.jobId, matrix: inst.shown, ts: inst.startedAt });
    const { port1, port2 } = new MessageChannel();
    inst.port = port1;
    const task: JobTask = {
      kind: 'job', runId: run.id, pipeline: pipeline.name, jobKey: inst.key, job: state.job, attempt: run.attempt, release: o.release,
      params: o.params, secretParams: o.secretParams, matrix: inst.matrix, needs: needsContext(state.job), env: pipelineEnv,
      registry: o.registry, secrets: o.secrets, port: port2,
    };
    const recordStage = stageRecorder(run.id, inst.key, (op) => writer.push(op), emit);
    port1.on('message', guard((events: WorkerEvent[]) => {
      for (const ev of events) onWorkerEvent(inst, ev, recordStage);
    }));
    inst.abort = new AbortController();
    o.pool.run(task, [port2], inst.abort.signal).catch(guard((e: unknown) => {
      // The worker died or was ended after a cancel (not a stage failure): the run still ends cleanly.
      if (inst.abort?.signal.aborted) return onInstanceDone(inst, { status: 'cancelled', outputs: {}, error: null });
      onInstanceDone(inst, { status: 'failed', outputs: {}, error: new WfError('E_INTERNAL', `worker failed: ${(e as Error)?.message ?? e}`).toJSON() });
    }));
  }

  function onWorkerEvent(inst: Instance, ev: WorkerEvent, recordStage: ReturnType<typeof stageRecorder>): void {
    switch (ev.t) {
      case 'stage-start':
      case 'stage-end':
      case 'log':
        return recordStage(ev);
      case 'spawn':
        // A cancel may cross a spawn request in flight: refuse it rather than start a process.
        if (inst.cancelRequested) inst.port!.postMessage({ t: 'proc-exit', id: ev.id, code: null, signal: 'SIGTERM' } satisfies MainMessage);
        else host.spawn(inst.key, ev.id, ev.request, inst.port!);
        return;
      case 'job-end':
        onInstanceDone(inst, ev.result);
        return;
    }
  }

  function onInstanceDone(inst: Instance, result: JobResult): void {
    if (!inFlight.has(inst)) return;
    inFlight.delete(inst);
    inst.port?.close();
    inst.status = result.status;
    inst.outputs = result.outputs;
    const ts = Date.now();
    recordJob(inst.key, inst.jobId, { status: result.status, endedAt: now(), outputs: result.outputs, error: result.error });
    emit({ type: 'job-end', key: inst.key, jobId: inst.jobId, status: result.status, error: result.error, ts, durationMs: ts - (inst.startedAt ?? ts) });
    const state = jobs.get(inst.jobId)!;
    if (result.status === 'failed' && state.job.failFast && state.instances.length > 1) cancelInstances(state.instances);
    settleJob(state);
    pump();
  }

  /** Finishes a job once none of its instances is pending or running. */
  function settleJob(state: JobState): void {
    if (state.status !== 'running' || state.instances.length === 0) return;
    if (state.instances.some((x) => x.status === 'pending' || x.status === 'running')) return;
    // A matrix job's outputs merge its cells in matrix order (GitHub Actions: later cells win).
    state.outputs = Object.assign({}, ...state.instances.map((x) => x.outputs));
    const statuses = state.instances.map((x) => x.status);
    const status: NodeStatus = statuses.includes('failed') ? 'failed' : statuses.includes('cancelled') ? 'cancelled' : 'success';
    const failedKey = state.instances.find((x) => x.status === 'failed')?.key;
    finishJob(state, status, failedKey ? (jobRecords.get(failedKey)?.error ?? null) : null);
  }

  function cancelInstances(instances: Instance[]): void {
    for (const x of instances) {
      if (x.status === 'pending') {
        x.status = 'cancelled';
        const i = ready.indexOf(x);
        if (i >= 0) ready.splice(i, 1);
        recordJob(x.key, x.jobId, { matrix: x.shown, status: 'cancelled', endedAt: now() });
        emit({ type: 'job-end', key: x.key, jobId: x.jobId, status: 'cancelled', error: null, ts: Date.now(), durationMs: 0 });
      } else if (x.status === 'running') {
        x.cancelRequested = true;
        x.port?.postMessage({ t: 'cancel' } satisfies MainMessage);
        host.kill(x.key);
      }
    }
  }

  const onAbort = guard(() => {
    cancelled = true;
    for (const state of jobs.values()) cancelInstances(state.instances);
    for (const state of jobs.values()) settleJob(state);
    pump();
    // A job that does not stop (a hook ignoring ctx.signal) has its worker ended after a grace period.
    setTimeout(() => {
      for (const inst of inFlight) inst.abort?.abort();
    }, CANCEL_GRACE_MS).unref();
  });
  o.signal?.addEventListener('abort', onAbort, { once: true });

  try {
    for (const id of plan.order) maybeStart(jobs.get(id)!);
    pump();
    await settled;
    if (fatal) throw fatal;
    const failedJob = [...jobs.values()].find((s) => s.result === 'failed' && !s.tolerated);
    run.status = cancelled ? 'cancelled' : failedJob ? 'failed' : 'success';
    run.error = failedJob ? (jobRecords.get(failedJob.instances.find((x) => x.status === 'failed')?.key ?? failedJob.job.id)?.error ?? null) : null;
  } catch (e) {
    // A bug must not leave the run `running` in the store, nor processes behind.
    host.killNow();
    run.status = 'failed';
    run.error = maskError((e instanceof WfError ? e : new WfError('E_INTERNAL', String((e as Error)?.message ?? e))).toJSON(), mask);
    throw e;
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    process.off('exit', killOnExit);
    run.endedAt = now();
    run.pid = null;
    writer.push({ op: 'run-update', id: run.id, patch: { status: run.status, endedAt: run.endedAt, error: run.error, pid: null } });
    writer.flush();
  }
  emit({ type: 'run-end', run, jobs: [...jobRecords.values()] });
  return run;
}
