import type { MessagePort } from 'node:worker_threads';
import type { SerializedWfError, SourceLoc } from '../errors/index.js';
import type { Job } from '../model/types.js';
import type { HookDescriptions } from '../registry/describe-hooks.js';
import type { NodeStatus } from '../store/types.js';

/** One job instance as the run loop hands it to the job runner. Plain data. */
export interface JobTask {
  runId: string;
  pipeline: string;
  jobKey: string;
  job: Job;
  /** The run's attempt (`run.attempt`). */
  attempt: number;
  release: string | null;
  /** Clear-text param values (secrets included: stages need them) and the rest of the context. */
  params: Record<string, unknown>;
  secretParams: string[];
  matrix: Record<string, unknown> | null;
  needs: Record<string, { outputs: Record<string, unknown>; status: NodeStatus; result?: NodeStatus; error?: SerializedWfError | null }>;
  /** Pipeline env, already rendered. */
  env: Record<string, string>;
  registry: string[];
  /** Values to replace with *** in everything reported. */
  secrets: string[];
  /** Stages that succeeded in an earlier attempt of the run (`wf retry`): kept, not run again. */
  done?: Record<string, { outputs: Record<string, unknown> }>;
  /** Attempts each stage already had (so numbering goes on across `wf retry`). */
  stageAttempts?: Record<string, number>;
  /** Extra `run` context (e.g. `trigger`). */
  runContext?: Record<string, unknown>;
  /** Validated values for `input:` stages, by path (`wf resume`). */
  inputs?: Record<string, Record<string, unknown>>;
}

/** Asks a worker thread to run one `uses:` hook. */
export interface HookTask {
  kind: 'hook';
  callId: number;
  uses: string;
  with: Record<string, unknown>;
  registry: string[];
  loc: SourceLoc;
  run: { id: string; pipeline: string; job: string; stage: string; attempt: number; release: string | null };
  secrets: Record<string, string>;
  /** Values to mask in what the hook reports. */
  mask: string[];
}

/** Asks a worker to load hook modules and describe their inputs (for checks before a run). */
export interface InspectTask {
  kind: 'inspect';
  uses: string[];
  registry: string[];
}

/**
 * A batch of hook calls: one piscina task, open while the main thread sends it calls on `port`
 * (`HookBatchCalls`); each result is posted back on `port` as soon as its call settles.
 */
export interface HookBatchTask {
  kind: 'hooks';
  port: MessagePort;
}

/** On a batch's port, to the worker: calls to run now, or the end of the batch (no call is open). */
export type HookBatchCalls = { calls: HookTask[] } | { end: true };

/** A result posted on a batch's port (results settled in the same tick travel together). */
export type HookBatchMessage = Array<{ callId: number; result: HookResult }>;

export type WorkerTask = HookTask | HookBatchTask | InspectTask;

export interface InspectResult {
  hooks: HookDescriptions;
}

export interface HookResult {
  outputs: Record<string, unknown> | null;
  error: SerializedWfError | null;
  logs: Array<{ stream: 'log' | 'stdout' | 'stderr'; text: string; ts: number }>;
}

export interface JobResult {
  status: NodeStatus;
  outputs: Record<string, unknown>;
  error: SerializedWfError | null;
  /** When `status` is 'paused': the `input:` stage waiting. */
  pause?: PauseInfo;
}

/** An `input:` stage waiting for `wf resume`. */
export interface PauseInfo {
  jobKey: string;
  path: string;
  stageId: string | null;
  prompt: string;
  /** Field → declared type (`bool`, `str`, {type, options}…). */
  schema: Record<string, unknown>;
}

/** Stage events the job runner reports to the run loop, which records them before showing them. */
export type JobEvent =
  | { t: 'stage-start'; path: string; id: string | null; name: string; kind: string; attempt: number; ts: number }
  | { t: 'stage-end'; path: string; status: NodeStatus; outputs: Record<string, unknown> | null; error: SerializedWfError | null; attempt: number; ts: number; reused?: boolean }
  | { t: 'log'; path: string | null; stream: 'stdout' | 'stderr' | 'log'; text: string; ts: number };

/** A process a shell stage asks for. */
export interface SpawnRequest {
  cmd: string;
  /** argv[0] when it is not `cmd` (a program found on PATH, started as the name it was called by). */
  argv0?: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
  /** The stage's `$WF_OUTPUT`: opened O_CREAT|O_TRUNC (mode 0600) by whoever starts the process. */
  outputFile?: string;
}

/** Broadcast from the main thread to the hook workers: ask a running hook to stop (ctx.signal). */
export interface HookCancel {
  cancel: number;
}
export const HOOK_CHANNEL = 'wf:hooks';
