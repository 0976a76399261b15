import type { Pipeline, Stage } from './types.js';

/** Every stage of a pipeline, nested ones (foreach, until, parallel, case) and on-failure included. */
export function* pipelineStages(pipeline: Pipeline): Generator<Stage> {
  for (const job of pipeline.jobs) yield* walkStages(job.stages);
  if (pipeline.onFailure) yield* walkStages(pipeline.onFailure.stages);
}

/** `stages` and everything nested in them, depth first. */
export function* walkStages(stages: readonly Stage[]): Generator<Stage> {
  for (const s of stages) {
    yield s;
    if (s.kind === 'foreach' || s.kind === 'until') yield* walkStages(s.stages);
    else if (s.kind === 'parallel') for (const branch of Object.values(s.branches)) yield* walkStages(branch);
    else if (s.kind === 'case') for (const m of s.match) yield* walkStages(m.stages);
  }
}
