export type { JobInstance, MatrixSpec, Plan, PlanJobInput } from './types.js';
export { expandMatrix } from './expand-matrix.js';
export { findCycle } from './find-cycle.js';
export { instanceKey } from './instance-key.js';
export { planJobs } from './plan-jobs.js';
