import type { SerializedWfError } from '../errors/index.js';

export type RunStatus = 'running' | 'success' | 'failed' | 'cancelled' | 'paused' | 'interrupted';
/** `upstream_failed`: not run because a job it needs failed (Airflow's meaning). */
export type NodeStatus = 'pending' | 'running' | 'success' | 'failed' | 'upstream_failed' | 'skipped' | 'cancelled' | 'interrupted';
export type RunTrigger = 'manual' | 'schedule' | 'trigger' | 'retry' | 'backfill';

/** Values here are already masked: a secret never reaches the store in clear. */
export interface RunRecord {
  id: string;
  pipeline: string;
  status: RunStatus;
  params: Record<string, unknown>;
  release: string | null;
  attempt: number;
  trigger: RunTrigger;
  parentRunId: string | null;
  startedAt: string;
  endedAt: string | null;
  error: SerializedWfError | null;
  /** Process that owns the run while it is `running`; used to detect interrupted runs. */
  pid: number | null;
}

export interface JobRecord {
  runId: string;
  /** Job instance key: the job id, plus the matrix cell for matrix jobs (`extract (orders)`). */
  key: string;
  jobId: string;
  matrix: Record<string, unknown> | null;
  status: NodeStatus;
  startedAt: string | null;
  endedAt: string | null;
  outputs: Record<string, unknown> | null;
  error: SerializedWfError | null;
}

export interface StageRecord {
  runId: string;
  jobKey: string;
  /** Position in the job; nested stages (foreach, parallel, …) use dotted paths ("2.0.1"). */
  path: string;
  stageId: string | null;
  name: string;
  kind: string;
  status: NodeStatus;
  startedAt: string | null;
  endedAt: string | null;
  outputs: Record<string, unknown> | null;
  error: SerializedWfError | null;
}

export interface LogRecord {
  runId: string;
  jobKey: string | null;
  stagePath: string | null;
  ts: string;
  stream: 'stdout' | 'stderr' | 'log' | 'system';
  text: string;
}

/** One write; the executor buffers these and applies them in one transaction. */
export type StoreOp =
  | { op: 'run'; run: RunRecord }
  | { op: 'run-update'; id: string; patch: Partial<Omit<RunRecord, 'id'>> }
  | { op: 'job'; job: JobRecord }
  | { op: 'stage'; stage: StageRecord }
  | { op: 'log'; log: LogRecord };

export interface ListRunsQuery {
  pipeline?: string;
  status?: RunStatus;
  limit?: number;
}

export interface ReleaseRecord {
  pipeline: string;
  scheduleKey: string;
  instant: string;
  runId: string | null;
  createdAt: string;
}

export interface Store {
  /** Applies all ops atomically (one SQLite transaction). */
  apply(ops: readonly StoreOp[]): void;
  getRun(idOrPrefix: string): RunRecord | undefined;
  listRuns(query?: ListRunsQuery): RunRecord[];
  getJobs(runId: string): JobRecord[];
  getStages(runId: string): StageRecord[];
  getLogs(runId: string, filter?: { jobKey?: string; stagePath?: string }): LogRecord[];
  /** Marks runs left `running` by a process that no longer exists as `interrupted`; returns their ids. */
  markInterrupted(isAlive?: (pid: number) => boolean): string[];
  /** Records a schedule release once; false if that (pipeline, schedule, instant) exists already. */
  recordRelease(release: Omit<ReleaseRecord, 'createdAt'>): boolean;
  listReleases(pipeline?: string): ReleaseRecord[];
  close(): void;
}
