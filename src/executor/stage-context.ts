import type { WfError } from '../errors/index.js';
import type { Clock } from '../clock/index.js';
import type { Stage } from '../model/types.js';
import type { ExprContext, RenderOptions } from '../template/index.js';
import type { ProcessExit } from './process-host.js';
import type { HookResult, HookTask, JobTask, SpawnRequest } from './protocol.js';

export type SpawnFn = (request: SpawnRequest, onData: (stream: 'stdout' | 'stderr', data: string) => void) => Promise<ProcessExit>;

/** What a stage runner gets: the task, the live expression context, and ways to act and report. */
export interface StageRun {
  task: JobTask;
  stage: Stage;
  path: string;
  attempt: number;
  ctx: ExprContext;
  render: RenderOptions;
  /** Environment for child processes: process env + pipeline + job env + WF_* (stage env added by the runner). */
  baseEnv: Record<string, string>;
  /** Aborts on cancel and on this stage's timeout. */
  signal: AbortSignal;
  clock: Clock;
  /** Starts a process (its group is killed when `signal` aborts). */
  spawn: SpawnFn;
  /** Runs a hook in a worker thread. */
  callHook(task: Omit<HookTask, 'kind' | 'callId'>): Promise<HookResult>;
  log(stream: 'stdout' | 'stderr' | 'log', text: string): void;
  /**
   * Runs child stages in a child scope (`foreach`, `parallel`, `case`, `until`): inside,
   * `stages.<id>` are the children's; `item`, `index`, `branch` as given. Their paths are
   * `<prefix>.<n>`. Resolves when they are done; a failure does not throw.
   */
  nested(stages: readonly Stage[], scope: { item?: unknown; index?: number; branch?: string }, prefix: string): Promise<NestedResult>;
  /** Starts another pipeline as a child run of this one and waits for it (`trigger:`). */
  startChild(request: ChildRequest): Promise<ChildResult>;
}

export interface ChildRequest {
  pipeline: string;
  params: Record<string, unknown>;
  parentRunId: string;
  signal: AbortSignal;
}

export interface ChildResult {
  runId: string;
  status: string;
  /** Each job's outputs. */
  jobs: Record<string, Record<string, unknown>>;
  error: { message: string } | null;
}

export interface NestedResult {
  status: 'success' | 'failed' | 'cancelled';
  /** The children's outputs by stage id. */
  stages: Record<string, Record<string, unknown>>;
  error: WfError | null;
}

export type StageRunner = (run: StageRun) => Promise<Record<string, unknown>>;

/** A stage failure that still produced outputs (e.g. a shell exit code). */
export class StageFailure extends Error {
  constructor(
    readonly error: WfError,
    readonly outputs: Record<string, unknown>,
    readonly cancelled = false,
  ) {
    super(error.message);
  }
}

/** Thrown by an `input:` stage that has no input yet: the job, then the run, pause here. */
export class PauseRequest extends Error {
  constructor(
    readonly prompt: string,
    readonly schema: Record<string, unknown>,
  ) {
    super(`waiting for input: ${prompt}`);
  }
}
