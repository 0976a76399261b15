import type { SourceLoc } from '../errors/index.js';
import type { ValueSpec } from './value-types.js';
import type { Guard } from '../template/shell-syntax.js';

/**
 * The compiled model: validated, defaults applied, positions kept. Plain data only, so a job can
 * be sent to a worker thread by structured clone. Strings may still hold `${{ }}` templates; they
 * were parsed and checked at load time and are rendered at run time.
 */

export type TriggerRule =
  | 'all_success'
  | 'all_done'
  | 'all_failed'
  | 'one_success'
  | 'one_failed'
  | 'none_failed'
  | 'none_skipped';

export interface RetryPolicy {
  attempts: number;
  delayMs: number;
  backoff: 'fixed' | 'exponential';
  /** The longest wait between attempts (exponential backoff stops growing there). */
  maxDelayMs: number;
}

export interface ScheduleRef {
  /** The On template's name, or null for an inline `{cron, timezone}`. */
  name: string | null;
  cron: string;
  timezone: string;
  loc: SourceLoc;
  /** `{after: PIPELINE, status}`: released when a run of that pipeline ends with that status (cron is ''). */
  after?: { pipeline: string; status: 'success' | 'failure' | 'any' };
}

export interface SchedulePolicy {
  catchup: 'latest' | 'all' | 'none';
  skipDelayedByMs: number | null;
  concurrency: 'allow' | 'forbid' | 'replace' | 'queue';
}

export interface ParamDef extends ValueSpec {
  name: string;
  loc: SourceLoc;
}

interface StageBase {
  loc: SourceLoc;
  id: string | null;
  name: string;
  if: unknown;
  env: Record<string, unknown>;
  timeoutMs: number | null;
  retry: RetryPolicy | null;
  continueOnError: unknown;
}

export interface EchoStage extends StageBase { kind: 'echo'; echo: unknown; sleepMs: number | null }
/** `shell:` bash (default), sh, python, node, or a command with `{0}` for the script file. */
export interface RunStage extends StageBase {
  kind: 'run';
  run: string;
  shell: string;
  /** bash/sh: what each expression's value must be where bash evaluates it (see scriptGuards). */
  guards?: Array<Guard | null>;
}
export interface UsesStage extends StageBase {
  kind: 'uses';
  uses: string;
  with: Record<string, unknown>;
  /** Where each `with:` key is written, for precise hook-input errors. */
  withLocs: Record<string, SourceLoc>;
}
export interface TriggerStage extends StageBase {
  kind: 'trigger';
  trigger: string;
  params: Record<string, unknown>;
  /** Where each `params:` key is written, for load-time checks against the child's params. */
  paramLocs?: Record<string, SourceLoc>;
}
export interface ForeachStage extends StageBase { kind: 'foreach'; foreach: unknown; concurrency: number; stages: Stage[] }
export interface ParallelStage extends StageBase {
  kind: 'parallel';
  branches: Record<string, Stage[]>;
  maxParallel: number | null;
}
export interface CaseStage extends StageBase {
  kind: 'case';
  case: unknown;
  match: Array<{ case: unknown; stages: Stage[] } | { else: true; stages: Stage[] }>;
}
export interface UntilStage extends StageBase { kind: 'until'; until: unknown; maxLoop: number; stages: Stage[] }
export interface InputStage extends StageBase { kind: 'input'; prompt: string; schema: Record<string, ValueSpec> }
export interface RaiseStage extends StageBase { kind: 'raise'; raise: unknown }

export type Stage =
  | EchoStage
  | RunStage
  | UsesStage
  | TriggerStage
  | ForeachStage
  | ParallelStage
  | CaseStage
  | UntilStage
  | InputStage
  | RaiseStage;

export type StageKind = Stage['kind'];

export interface MatrixDef {
  /** A whole-value template (`${{ params.matrix }}`) or axis → list/template. */
  axes: unknown;
  include: unknown;
  exclude: unknown;
}

export interface Job {
  id: string;
  loc: SourceLoc;
  name: string;
  needs: string[];
  if: unknown;
  triggerRule: TriggerRule;
  matrix: MatrixDef | null;
  maxParallel: number | null;
  failFast: boolean;
  timeoutMs: number | null;
  retry: RetryPolicy | null;
  continueOnError: unknown;
  env: Record<string, unknown>;
  outputs: Record<string, unknown>;
  stages: Stage[];
}

export interface Pipeline {
  kind: 'Pipeline';
  name: string;
  file: string;
  loc: SourceLoc;
  desc: string;
  on: ScheduleRef[];
  schedule: SchedulePolicy;
  params: Record<string, ParamDef>;
  env: Record<string, unknown>;
  jobs: Job[];
  onFailure: Job | null;
  /** Each `stages.<id>.outputs.<key>` read in the pipeline (checked against hooks' declared outputs). */
  stageOutputRefs?: StageOutputRef[];
}

export interface StageOutputRef {
  job: string;
  stage: string;
  key: string;
  loc: SourceLoc;
}

export interface OnTemplate {
  kind: 'On';
  name: string;
  file: string;
  loc: SourceLoc;
  desc: string;
  cron: string;
  timezone: string;
}

export type Template = Pipeline | OnTemplate;

