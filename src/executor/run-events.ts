import type { SerializedWfError } from '../errors/index.js';
import type { JobRecord, NodeStatus, RunRecord } from '../store/types.js';

/**
 * What a run reports as it goes; renderers (line log, live tree, JSON lines) consume these, and
 * each is stored as an event (the basis of `wf logs --follow`) before anyone sees it.
 */
export type RunEvent =
  /** `jobs`: the pipeline's job ids in plan order (a matrix job starts one instance per cell). */
  | { type: 'run-start'; run: RunRecord; jobs?: string[] }
  | { type: 'job-start'; key: string; jobId: string; matrix: Record<string, unknown> | null; ts: number; attempt?: number }
  | { type: 'job-end'; key: string; jobId: string; status: NodeStatus; error: SerializedWfError | null; reason?: string; ts: number; durationMs: number; attempt?: number }
  | { type: 'stage-start'; jobKey: string; path: string; name: string; kind: string; ts: number; attempt?: number }
  | { type: 'stage-end'; jobKey: string; path: string; name: string; status: NodeStatus; error: SerializedWfError | null; outputs: Record<string, unknown> | null; ts: number; durationMs: number; attempt?: number; reused?: boolean }
  | { type: 'log'; jobKey: string; path: string | null; stream: 'stdout' | 'stderr' | 'log' | 'system'; text: string; ts: number }
  | { type: 'notice'; text: string; ts: number }
  | { type: 'run-end'; run: RunRecord; jobs: JobRecord[] };

export type RunEventListener = (event: RunEvent) => void;
