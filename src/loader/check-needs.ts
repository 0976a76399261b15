import { isSeq } from 'yaml';
import { didYouMean, WfError, WfErrors } from '../errors/index.js';
import type { Pipeline } from '../model/types.js';
import { planJobs } from '../planner/index.js';
import type { SourceFile } from './source.js';

/**
 * Unknown jobs in `needs`, each placed at its entry; then cycles among the known ones (the planner
 * names the cycle path).
 */
export function checkNeeds(pipeline: Pipeline, src: SourceFile): WfError[] {
  const ids = pipeline.jobs.map((j) => j.id);
  const known = new Set(ids);
  const errors: WfError[] = [];
  for (const job of pipeline.jobs) {
    const path = [pipeline.name, 'jobs', job.id, 'needs'];
    const listed = isSeq(src.nodeAt(path));
    job.needs.forEach((need, i) => {
      if (known.has(need) || job.needs.indexOf(need) !== i) return;
      errors.push(
        new WfError('E_UNKNOWN_NEEDS', `job '${job.id}' needs '${need}', which is not a job of this pipeline`, {
          loc: src.loc(listed ? [...path, i] : path),
          hint: didYouMean(need, ids.filter((id) => id !== job.id), 'a job') ?? 'needs: lists the ids of other jobs in this pipeline',
        }),
      );
    });
  }
  try {
    planJobs(pipeline.jobs.map((j) => ({ id: j.id, needs: j.needs.filter((n) => known.has(n)), loc: j.loc })));
  } catch (e) {
    if (e instanceof WfErrors) errors.push(...e.errors);
    else if (e instanceof WfError) errors.push(e);
    else throw e;
  }
  return errors;
}
