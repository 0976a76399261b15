import type { MessagePort } from 'node:worker_threads';
import type { Job } from '../model/types.js';
import type { NodeStatus } from '../store/types.js';

/** One matrix cell (or the only instance) of a job, as the run loop tracks it. */
export interface Instance {
  key: string;
  jobId: string;
  matrix: Record<string, unknown> | null;
  /** The cell with secrets masked, for records and events. */
  shown: Record<string, unknown> | null;
  abort?: AbortController;
  index: number;
  status: NodeStatus;
  port?: MessagePort;
  startedAt?: number;
  outputs: Record<string, unknown>;
  cancelRequested?: boolean;
}

export interface JobState {
  job: Job;
  status: 'waiting' | 'running' | 'done';
  result: NodeStatus;
  instances: Instance[];
  outputs: Record<string, unknown>;
  startedAt: number;
  /** `continue-on-error`, rendered when the job starts: a failure then counts as success downstream. */
  tolerated: boolean;
}

export type NeedsContext = Record<string, { outputs: Record<string, unknown>; status: NodeStatus }>;

/** `jobs.<id>` / `needs.<id>` for a job: every job it needs, directly or through others. */
export function needsOf(jobId: string, jobs: ReadonlyMap<string, JobState>): NeedsContext {
  const needs: NeedsContext = {};
  const stack = [...jobs.get(jobId)!.job.needs];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (needs[id]) continue;
    const state = jobs.get(id)!;
    needs[id] = { outputs: state.outputs, status: state.result };
    stack.push(...state.job.needs);
  }
  return needs;
}
