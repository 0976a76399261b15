import type { MessagePort } from 'node:worker_threads';
import type { SerializedWfError } from '../errors/index.js';
import type { Job } from '../model/types.js';
import type { HookDescriptions } from '../registry/describe-hooks.js';
import type { NodeStatus } from '../store/types.js';

/** What the main thread sends a worker to run one job instance. Plain data (structured clone). */
export interface JobTask {
  kind: 'job';
  runId: string;
  pipeline: string;
  jobKey: string;
  job: Job;
  attempt: number;
  release: string | null;
  /** Clear-text param values (secrets included: the worker needs them) and the rest of the context. */
  params: Record<string, unknown>;
  secretParams: string[];
  matrix: Record<string, unknown> | null;
  needs: Record<string, { outputs: Record<string, unknown>; status: NodeStatus }>;
  /** Pipeline env, already rendered. */
  env: Record<string, string>;
  registry: string[];
  /** Values to replace with *** in everything the worker reports. */
  secrets: string[];
  port: MessagePort;
}

/** Asks a worker to load hook modules and describe their inputs (for checks before a run). */
export interface InspectTask {
  kind: 'inspect';
  uses: string[];
  registry: string[];
}

export type WorkerTask = JobTask | InspectTask;

export interface InspectResult {
  hooks: HookDescriptions;
}

export interface JobResult {
  status: NodeStatus;
  outputs: Record<string, unknown>;
  error: SerializedWfError | null;
}

/** Events a worker streams to the main thread while a job runs (batched into arrays). */
export type WorkerEvent =
  | { t: 'stage-start'; path: string; id: string | null; name: string; kind: string; ts: number }
  | { t: 'stage-end'; path: string; status: NodeStatus; outputs: Record<string, unknown> | null; error: SerializedWfError | null; ts: number }
  | { t: 'log'; path: string | null; stream: 'stdout' | 'stderr' | 'log'; text: string; ts: number }
  | { t: 'spawn'; id: number; request: SpawnRequest }
  | { t: 'job-end'; result: JobResult };

/**
 * Shell stages ask the main thread to start their process: fork() from a worker thread is several
 * times slower than from the main thread (measured: ~9 ms vs ~3 ms per spawn under load) and
 * serialised across threads; owning every child in one place also makes Ctrl-C exact.
 */
export interface SpawnRequest {
  cmd: string;
  args: string[];
  env: Record<string, string>;
}

/** Messages the main thread sends into a running job. */
export type MainMessage =
  | { t: 'cancel' }
  | { t: 'proc-out'; id: number; stream: 'stdout' | 'stderr'; data: string }
  | { t: 'proc-exit'; id: number; code: number | null; signal: string | null; error?: string };
