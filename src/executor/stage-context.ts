import type { WfError } from '../errors/index.js';
import type { Stage } from '../model/types.js';
import type { ExprContext, RenderOptions } from '../template/index.js';
import type { JobTask, WorkerEvent } from './protocol.js';
import type { SpawnFn } from './remote-spawn.js';

/** What a stage runner gets: the task, the live expression context, and ways to report. */
export interface StageRun {
  task: JobTask;
  stage: Stage;
  path: string;
  ctx: ExprContext;
  render: RenderOptions;
  /** Environment for child processes: process env + pipeline + job env + WF_* (stage env added by the runner). */
  baseEnv: Record<string, string>;
  signal: AbortSignal;
  emit(event: WorkerEvent): void;
  /** Starts a process through the main thread's process host. */
  spawn: SpawnFn;
  log(stream: 'stdout' | 'stderr' | 'log', text: string): void;
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
