import type { SerializedWfError } from '../errors/index.js';

export type RunStatus = 'running' | 'success' | 'failed' | 'cancelled' | 'paused' | 'interrupted';
/** `upstream_failed`: not run because a job it needs failed (Airflow's meaning). */
export type NodeStatus = 'pending' | 'running' | 'success' | 'failed' | 'upstream_failed' | 'skipped' | 'cancelled' | 'interrupted' | 'paused';
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
  /** Process that owns the run while it is `running` (also in `owner`); kept for v1 readers. */
  pid: number | null;
  /** Who runs it now: host, pid and process start time (a reused pid is never mistaken for it). */
  owner?: RunOwner | null;
  /** Last sign of life of the owner; a run on another host with an old heartbeat is interrupted. */
  heartbeatAt?: string | null;
  /** Set by `wf cancel` (any process); the owner watches it and cancels the run. */
  cancelRequestedAt?: string | null;
  /** Hash of the compiled pipeline the run used, and of each job (to say what changed on retry). */
  modelHash?: string | null;
  jobHashes?: Record<string, string> | null;
  /** Extra run context: `trigger` (what released it: upstream run, schedule), `links`. */
  context?: Record<string, unknown> | null;
}

export interface RunOwner {
  host: string;
  pid: number;
  /** Process start identity (boot id + start tick on Linux); null where the OS does not tell. */
  start: string | null;
}

/** One attempt of a job instance (`stagePath` '') or of a stage. */
export interface AttemptRecord {
  runId: string;
  jobKey: string;
  stagePath: string;
  attempt: number;
  status: NodeStatus;
  startedAt: string | null;
  endedAt: string | null;
  outputs: Record<string, unknown> | null;
  error: SerializedWfError | null;
}

/** A state change or log line, in commit order (`seq` is monotonic across the store). */
export interface EventRecord {
  seq: number;
  runId: string;
  ts: string;
  type: string;
  jobKey: string | null;
  stagePath: string | null;
  stream: string | null;
  text: string | null;
  /** The rest of the event (its JSON form). */
  data: Record<string, unknown> | null;
}

/** A process group a run started; removed when it ends. */
export interface ProcessRecord {
  runId: string;
  jobKey: string | null;
  stagePath: string | null;
  pid: number;
  start: string | null;
  host: string;
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
  /** The attempt this record shows (the latest); earlier ones are AttemptRecords. */
  attempt?: number;
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
  attempt?: number;
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
  /** A new run: a plain insert, so two runs can never merge (a duplicate id fails the batch). */
  | { op: 'run-create'; run: RunRecord }
  | { op: 'run'; run: RunRecord }
  | { op: 'run-update'; id: string; patch: Partial<Omit<RunRecord, 'id'>> }
  | { op: 'job'; job: JobRecord }
  | { op: 'stage'; stage: StageRecord }
  | { op: 'log'; log: LogRecord }
  | { op: 'attempt'; attempt: AttemptRecord }
  /**
   * A stage is about to show another attempt: the attempt its row shows, if it ended, becomes an
   * attempt row (replacing one of the same number). A stage's latest attempt is its own row;
   * getAttempts reads both.
   */
  | { op: 'attempt-keep'; runId: string; jobKey: string; stagePath: string }
  | { op: 'event'; event: Omit<EventRecord, 'seq'> }
  | { op: 'proc'; proc: ProcessRecord }
  | { op: 'proc-end'; runId: string; pid: number }
  /** Ends a run: its row, and every job, stage and attempt still pending or running gets `status`. */
  | { op: 'run-close'; id: string; status: RunStatus; nodeStatus: NodeStatus; endedAt: string; error?: SerializedWfError | null };

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
  /** 'released' (a run was started) or 'skipped' (with `reason`: catchup, late, concurrency, DST). */
  status?: 'released' | 'skipped';
  reason?: string | null;
}

/** A `wf schedule` process, for `wf list` to say whether a scheduler is alive. */
export interface SchedulerRecord {
  id: string;
  host: string;
  pid: number;
  start: string | null;
  startedAt: string;
  heartbeatAt: string;
  stoppedAt: string | null;
}

export interface Store {
  /** Applies all ops atomically (one SQLite transaction). */
  apply(ops: readonly StoreOp[]): void;
  getRun(idOrPrefix: string): RunRecord | undefined;
  listRuns(query?: ListRunsQuery): RunRecord[];
  getJobs(runId: string): JobRecord[];
  getStages(runId: string): StageRecord[];
  getLogs(runId: string, filter?: { jobKey?: string; stagePath?: string }): LogRecord[];
  /**
   * Marks runs whose owner is gone as `interrupted` (their pending and running jobs, stages and
   * attempts too; owner cleared); returns
   * their ids and the process groups they had started (removed from the store; the caller kills them).
   */
  markInterrupted(isOwnerAlive?: (run: RunRecord) => boolean): { ids: string[]; orphans: ProcessRecord[] };
  /**
   * Inserts a new run; with a claim, also its release row, in the same transaction. False (and
   * nothing written) when that (pipeline, schedule, instant) was claimed already.
   */
  createRun(run: RunRecord, claim?: { scheduleKey: string; instant: string }): boolean;
  /** Moves a run from one of `from` to `patch` atomically (a retry takes over a failed run); false if it was not in `from`. */
  transitionRun(id: string, from: readonly RunStatus[], patch: Partial<Omit<RunRecord, 'id'>>): boolean;
  /** Asks the owner of a running run to cancel it; returns the run as it is now. */
  requestCancel(runId: string): RunRecord | undefined;
  getAttempts(runId: string): AttemptRecord[];
  /** Events after `afterSeq`, in order (at most `limit`). */
  getEvents(runId: string, afterSeq?: number, limit?: number): EventRecord[];
  /** Runs started by this one (`trigger:` children). */
  childRuns(runId: string): RunRecord[];
  /** The last instant a schedule was evaluated up to, or null before its first. */
  scheduleState(pipeline: string, scheduleKey: string): string | null;
  /** Moves a schedule's state forward to `instant` (never back: two schedulers may race). */
  advanceSchedule(pipeline: string, scheduleKey: string, instant: string): void;
  /** Records a release that will not run, with why; false if that release was recorded already. */
  recordSkip(release: { pipeline: string; scheduleKey: string; instant: string; reason: string }): boolean;
  beatScheduler(s: SchedulerRecord): void;
  listSchedulers(): SchedulerRecord[];
  /** Runs of `pipeline` that ended after `since` (ISO), oldest first. */
  runsEndedSince(pipeline: string, since: string): RunRecord[];
  /** Records a schedule release once; false if that (pipeline, schedule, instant) exists already. */
  recordRelease(release: Omit<ReleaseRecord, 'createdAt'>): boolean;
  listReleases(pipeline?: string): ReleaseRecord[];
  close(): void;
}
