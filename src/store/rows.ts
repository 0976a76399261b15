import type { AttemptRecord, EventRecord, JobRecord, LogRecord, ProcessRecord, ReleaseRecord, RunRecord, StageRecord } from './types.js';

// Column shapes as SQLite hands them back; JSON columns are TEXT.
export interface RunRow {
  id: string;
  pipeline: string;
  status: string;
  params: string;
  release: string | null;
  attempt: number;
  trigger: string;
  parent_run_id: string | null;
  started_at: string;
  ended_at: string | null;
  error: string | null;
  pid: number | null;
  owner: string | null;
  heartbeat_at: string | null;
  cancel_requested_at: string | null;
  model_hash: string | null;
  job_hashes: string | null;
  context: string | null;
}

export interface JobRow {
  run_id: string;
  key: string;
  job_id: string;
  matrix: string | null;
  status: string;
  started_at: string | null;
  ended_at: string | null;
  outputs: string | null;
  error: string | null;
  attempt: number;
}

export interface StageRow {
  run_id: string;
  job_key: string;
  path: string;
  stage_id: string | null;
  name: string;
  kind: string;
  status: string;
  started_at: string | null;
  ended_at: string | null;
  outputs: string | null;
  error: string | null;
  attempt: number;
}

export interface LogRow {
  run_id: string;
  job_key: string | null;
  stage_path: string | null;
  ts: string;
  stream: string;
  text: string;
}

export interface AttemptRow {
  run_id: string;
  job_key: string;
  stage_path: string;
  attempt: number;
  status: string;
  started_at: string | null;
  ended_at: string | null;
  outputs: string | null;
  error: string | null;
}

export interface EventRow {
  seq: number;
  run_id: string;
  ts: string;
  type: string;
  job_key: string | null;
  stage_path: string | null;
  stream: string | null;
  text: string | null;
  data: string | null;
}

export interface ProcessRow {
  run_id: string;
  job_key: string | null;
  stage_path: string | null;
  pid: number;
  start: string | null;
  host: string;
}

export interface ReleaseRow {
  pipeline: string;
  schedule_key: string;
  instant: string;
  run_id: string | null;
  created_at: string;
  status?: string;
  reason?: string | null;
}

/** JSON for a nullable JSON column (undefined is stored as NULL, like null). */
export function toJson(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

/** A damaged JSON cell reads as null rather than failing the whole listing it is part of. */
function fromJson<T>(text: string | null): T | null {
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

export function runToRow(r: RunRecord): RunRow {
  return {
    id: r.id,
    pipeline: r.pipeline,
    status: r.status,
    params: JSON.stringify(r.params ?? {}),
    release: r.release ?? null,
    attempt: r.attempt,
    trigger: r.trigger,
    parent_run_id: r.parentRunId ?? null,
    started_at: r.startedAt,
    ended_at: r.endedAt ?? null,
    error: toJson(r.error),
    pid: r.pid ?? null,
    owner: toJson(r.owner),
    heartbeat_at: r.heartbeatAt ?? null,
    cancel_requested_at: r.cancelRequestedAt ?? null,
    model_hash: r.modelHash ?? null,
    job_hashes: toJson(r.jobHashes),
    context: toJson(r.context),
  };
}

export function rowToRun(row: RunRow): RunRecord {
  return {
    id: row.id,
    pipeline: row.pipeline,
    status: row.status as RunRecord['status'],
    params: fromJson<RunRecord['params']>(row.params) ?? {},
    release: row.release,
    attempt: row.attempt,
    trigger: row.trigger as RunRecord['trigger'],
    parentRunId: row.parent_run_id,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    error: fromJson(row.error),
    pid: row.pid,
    owner: fromJson(row.owner),
    heartbeatAt: row.heartbeat_at,
    cancelRequestedAt: row.cancel_requested_at,
    modelHash: row.model_hash,
    jobHashes: fromJson(row.job_hashes),
    context: fromJson(row.context),
  };
}

/** RunRecord field → runs column, with the conversion `run-update` applies to a patched value. */
export const RUN_COLUMNS: Readonly<Record<Exclude<keyof RunRecord, 'id'>, readonly [string, (v: never) => unknown]>> = {
  pipeline: ['pipeline', (v: string) => v],
  status: ['status', (v: string) => v],
  params: ['params', (v: Record<string, unknown> | null) => JSON.stringify(v ?? {})],
  release: ['release', (v: string | null) => v],
  attempt: ['attempt', (v: number) => v],
  trigger: ['trigger', (v: string) => v],
  parentRunId: ['parent_run_id', (v: string | null) => v],
  startedAt: ['started_at', (v: string) => v],
  endedAt: ['ended_at', (v: string | null) => v],
  error: ['error', (v: unknown) => toJson(v)],
  pid: ['pid', (v: number | null) => v],
  owner: ['owner', (v: unknown) => toJson(v)],
  heartbeatAt: ['heartbeat_at', (v: string | null) => v],
  cancelRequestedAt: ['cancel_requested_at', (v: string | null) => v],
  modelHash: ['model_hash', (v: string | null) => v],
  jobHashes: ['job_hashes', (v: unknown) => toJson(v)],
  context: ['context', (v: unknown) => toJson(v)],
};

export function jobToRow(j: JobRecord): JobRow {
  return {
    run_id: j.runId,
    key: j.key,
    job_id: j.jobId,
    matrix: toJson(j.matrix),
    status: j.status,
    started_at: j.startedAt ?? null,
    ended_at: j.endedAt ?? null,
    outputs: toJson(j.outputs),
    error: toJson(j.error),
    attempt: j.attempt ?? 1,
  };
}

export function rowToJob(row: JobRow): JobRecord {
  return {
    runId: row.run_id,
    key: row.key,
    jobId: row.job_id,
    matrix: fromJson(row.matrix),
    status: row.status as JobRecord['status'],
    startedAt: row.started_at,
    endedAt: row.ended_at,
    outputs: fromJson(row.outputs),
    error: fromJson(row.error),
    attempt: row.attempt,
  };
}

/** The columns of the writes made for every stage, and their values in that order (bound by position). */
export const STAGE_COLS = 'run_id, job_key, path, stage_id, name, kind, status, started_at, ended_at, outputs, error, attempt';
export const ATTEMPT_COLS = 'run_id, job_key, stage_path, attempt, status, started_at, ended_at, outputs, error';
export const EVENT_COLS = 'run_id, ts, type, job_key, stage_path, stream, text, data';

export function stageValues(s: StageRecord): unknown[] {
  return [s.runId, s.jobKey, s.path, s.stageId ?? null, s.name, s.kind, s.status, s.startedAt ?? null, s.endedAt ?? null, toJson(s.outputs), toJson(s.error), s.attempt ?? 1];
}

export function rowToStage(row: StageRow): StageRecord {
  return {
    runId: row.run_id,
    jobKey: row.job_key,
    path: row.path,
    stageId: row.stage_id,
    name: row.name,
    kind: row.kind,
    status: row.status as StageRecord['status'],
    startedAt: row.started_at,
    endedAt: row.ended_at,
    outputs: fromJson(row.outputs),
    error: fromJson(row.error),
    attempt: row.attempt,
  };
}

export function logToRow(l: LogRecord): LogRow {
  return {
    run_id: l.runId,
    job_key: l.jobKey ?? null,
    stage_path: l.stagePath ?? null,
    ts: l.ts,
    stream: l.stream,
    text: l.text,
  };
}

export function rowToLog(row: LogRow): LogRecord {
  return {
    runId: row.run_id,
    jobKey: row.job_key,
    stagePath: row.stage_path,
    ts: row.ts,
    stream: row.stream as LogRecord['stream'],
    text: row.text,
  };
}

export function rowToRelease(row: ReleaseRow): ReleaseRecord {
  return {
    pipeline: row.pipeline,
    scheduleKey: row.schedule_key,
    instant: row.instant,
    runId: row.run_id,
    createdAt: row.created_at,
    status: (row.status ?? 'released') as ReleaseRecord['status'],
    reason: row.reason ?? null,
  };
}

export function attemptValues(a: AttemptRecord): unknown[] {
  return [a.runId, a.jobKey, a.stagePath, a.attempt, a.status, a.startedAt ?? null, a.endedAt ?? null, toJson(a.outputs), toJson(a.error)];
}

export function rowToAttempt(row: AttemptRow): AttemptRecord {
  return {
    runId: row.run_id,
    jobKey: row.job_key,
    stagePath: row.stage_path,
    attempt: row.attempt,
    status: row.status as AttemptRecord['status'],
    startedAt: row.started_at,
    endedAt: row.ended_at,
    outputs: fromJson(row.outputs),
    error: fromJson(row.error),
  };
}

export function eventValues(e: Omit<EventRecord, 'seq'>): unknown[] {
  return [e.runId, e.ts, e.type, e.jobKey ?? null, e.stagePath ?? null, e.stream ?? null, e.text ?? null, toJson(e.data)];
}

/** The type of a row holding a stretch of a run's events (sqlite-store.ts `apply`), never an event's own type. */
export const EVENTS_ROW = 'events';

/**
 * One row for several events of one run, in order: their fields as arrays in `data`. The row's seq
 * is set (statements.ts `insertEvents`) n - 1 above the next free one, and the events take the n
 * seqs ending there: every event keeps a seq of its own, rising in write order.
 */
export function packedEventValues(events: ReadonlyArray<Omit<EventRecord, 'seq'>>): unknown[] {
  const first = events[0]!;
  const packed = events.map((e) => [e.ts, e.type, e.jobKey ?? null, e.stagePath ?? null, e.stream ?? null, e.text ?? null, e.data ?? null]);
  return [events.length, first.runId, first.ts, EVENTS_ROW, null, null, null, null, JSON.stringify(packed)];
}

/** The events a row holds: itself, or the stretch it packs. */
export function rowToEvents(row: EventRow): EventRecord[] {
  if (row.type !== EVENTS_ROW) return [rowToEvent(row)];
  const packed = fromJson<Array<[string, string, string | null, string | null, string | null, string | null, Record<string, unknown> | null]>>(row.data) ?? [];
  const first = row.seq - packed.length + 1;
  return packed.map(([ts, type, jobKey, stagePath, stream, text, data], i) => ({ seq: first + i, runId: row.run_id, ts, type, jobKey, stagePath, stream, text, data }));
}

export function rowToEvent(row: EventRow): EventRecord {
  return {
    seq: row.seq,
    runId: row.run_id,
    ts: row.ts,
    type: row.type,
    jobKey: row.job_key,
    stagePath: row.stage_path,
    stream: row.stream,
    text: row.text,
    data: fromJson(row.data),
  };
}

export function processToRow(p: ProcessRecord): ProcessRow {
  return { run_id: p.runId, job_key: p.jobKey ?? null, stage_path: p.stagePath ?? null, pid: p.pid, start: p.start ?? null, host: p.host };
}

export function rowToProcess(row: ProcessRow): ProcessRecord {
  return { runId: row.run_id, jobKey: row.job_key, stagePath: row.stage_path, pid: row.pid, start: row.start, host: row.host };
}

export const RUN_COLS = 'id, pipeline, status, params, release, attempt, trigger, parent_run_id, started_at, ended_at, error, pid, owner, heartbeat_at, cancel_requested_at, model_hash, job_hashes, context';
