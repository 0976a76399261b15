import type { JobRecord, LogRecord, ReleaseRecord, RunRecord, StageRecord } from './types.js';

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
}

export interface LogRow {
  run_id: string;
  job_key: string | null;
  stage_path: string | null;
  ts: string;
  stream: string;
  text: string;
}

export interface ReleaseRow {
  pipeline: string;
  schedule_key: string;
  instant: string;
  run_id: string | null;
  created_at: string;
}

/** JSON for a nullable JSON column (undefined is stored as NULL, like null). */
export function toJson(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

function fromJson<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
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
  };
}

export function rowToRun(row: RunRow): RunRecord {
  return {
    id: row.id,
    pipeline: row.pipeline,
    status: row.status as RunRecord['status'],
    params: JSON.parse(row.params) as RunRecord['params'],
    release: row.release,
    attempt: row.attempt,
    trigger: row.trigger as RunRecord['trigger'],
    parentRunId: row.parent_run_id,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    error: fromJson(row.error),
    pid: row.pid,
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
  };
}

export function stageToRow(s: StageRecord): StageRow {
  return {
    run_id: s.runId,
    job_key: s.jobKey,
    path: s.path,
    stage_id: s.stageId ?? null,
    name: s.name,
    kind: s.kind,
    status: s.status,
    started_at: s.startedAt ?? null,
    ended_at: s.endedAt ?? null,
    outputs: toJson(s.outputs),
    error: toJson(s.error),
  };
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
  };
}
