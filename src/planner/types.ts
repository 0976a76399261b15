import type { SourceLoc } from '../errors/index.js';

/** A job's matrix after the template engine rendered it: concrete values only. */
export interface MatrixSpec {
  /** Axis name → its values, e.g. `{ table: ['orders', 'refunds'], region: ['eu', 'us'] }`. */
  axes: Record<string, unknown[]>;
  include?: Record<string, unknown>[];
  exclude?: Record<string, unknown>[];
}

/** One job as the planner sees it: validated, matrix already rendered. */
export interface PlanJobInput {
  id: string;
  needs: string[];
  matrix?: MatrixSpec;
  loc?: SourceLoc;
}

/** One runnable copy of a job: the job itself, or one cell of its matrix. */
export interface JobInstance {
  /** `'build'`, or `'build (eu, orders)'` for a matrix cell; unique within the plan. */
  key: string;
  jobId: string;
  /** The matrix cell, or null for a non-matrix job. */
  matrix: Record<string, unknown> | null;
  /** Cell index within its job (0 for a non-matrix job). */
  index: number;
}

/** The DAG of a pipeline's jobs and their instances. */
export interface Plan {
  /** All instances, in a topological order of their jobs. */
  instances: JobInstance[];
  /** jobId → its instances (a matrix job with no cells has `[]`). */
  byJob: Map<string, JobInstance[]>;
  /** jobId → the job ids it needs (deduplicated, in the order written). */
  needs: Map<string, string[]>;
  /** jobId → the job ids that need it (in declaration order). */
  dependents: Map<string, string[]>;
  /** Job ids in a topological order; declaration order wherever the DAG leaves a choice. */
  order: string[];
}
