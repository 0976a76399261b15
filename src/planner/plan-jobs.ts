import { WfError, WfErrors, didYouMean } from '../errors/index.js';
import { expandMatrix } from './expand-matrix.js';
import { findCyclesIn } from './find-cycle.js';
import { instanceKey } from './instance-key.js';
import { MinHeap } from './min-heap.js';
import type { JobInstance, Plan, PlanJobInput } from './types.js';

/** Throws the problems found: one as itself, several as a WfErrors. */
function fail(errors: WfError[]): never {
  throw errors.length === 1 ? errors[0]! : new WfErrors(errors);
}

/** Kahn's algorithm; the ready set is a heap on declaration index, so free jobs keep their order. */
function topoOrder(needs: number[][], dependents: number[][]): number[] {
  const pending = needs.map((list) => list.length);
  const ready = new MinHeap();
  pending.forEach((count, i) => {
    if (count === 0) ready.push(i);
  });
  const order: number[] = [];
  for (let i = ready.pop(); i !== undefined; i = ready.pop()) {
    order.push(i);
    for (const d of dependents[i]!) {
      if (--pending[d]! === 0) ready.push(d);
    }
  }
  return order;
}

function cycleError(cycle: number[], jobs: PlanJobInput[]): WfError {
  const ids = cycle.map((i) => jobs[i]!.id);
  const path = ids.join(' → ');
  const message =
    ids.length === 2 ? `job '${ids[0]}' needs itself: ${path}` : `jobs need each other in a cycle: ${path}`;
  return new WfError('E_CYCLE', message, { loc: jobs[cycle[0]!]!.loc, hint: 'remove one of these needs' });
}

/** Expands each job's matrix, collecting E_TYPE problems placed at their job. */
function expandAll(jobs: PlanJobInput[], errors: WfError[]): (Record<string, unknown>[] | null)[] {
  return jobs.map((job) => {
    if (!job.matrix) return null;
    try {
      return expandMatrix(job.matrix);
    } catch (error) {
      if (!WfError.is(error)) throw error;
      errors.push(error.at(job.loc));
      return [];
    }
  });
}

/** Gives every instance a plan-wide unique key, numbering repeats ' #2', ' #3', … */
function uniqueKeyMaker(): (base: string) => string {
  const used = new Set<string>();
  const nextSuffix = new Map<string, number>();
  return (base) => {
    let key = base;
    let n = nextSuffix.get(base) ?? 2;
    while (used.has(key)) key = `${base} #${n++}`;
    nextSuffix.set(base, n);
    used.add(key);
    return key;
  };
}

/**
 * Builds the DAG of `jobs` (declaration order) and their instances, one per matrix cell.
 * Throws E_UNKNOWN_NEEDS for every need that names no job (and E_TYPE for a malformed matrix),
 * all together; then E_CYCLE naming a cycle path such as `a → b → c → a` (a needs b, …).
 *
 * @example planJobs([{ id: 'a', needs: [] }, { id: 'b', needs: ['a'] }]).order // ['a', 'b']
 */
export function planJobs(jobs: PlanJobInput[]): Plan {
  const at = new Map<string, number>();
  jobs.forEach((job, i) => {
    // The loader rejects duplicate keys, so a repeat here is a caller bug, not a user mistake.
    if (at.has(job.id)) {
      throw new WfError('E_INTERNAL', `job id '${job.id}' given to the planner twice`, { loc: job.loc });
    }
    at.set(job.id, i);
  });
  const ids = jobs.map((job) => job.id);
  const errors: WfError[] = [];
  const lastNeededBy = new Int32Array(jobs.length).fill(-1); // dedupes needs without a Set per job
  const needs: number[][] = jobs.map((job, i) => {
    const list: number[] = [];
    const unknown = new Set<string>();
    for (const name of job.needs) {
      const j = at.get(name);
      if (j !== undefined) {
        if (lastNeededBy[j] !== i) list.push(j);
        lastNeededBy[j] = i;
        continue;
      }
      if (unknown.has(name)) continue;
      unknown.add(name);
      const hint = didYouMean(name, ids.filter((id) => id !== job.id), 'a job');
      const message = `job '${job.id}' needs '${name}', which is not a job of this pipeline`;
      errors.push(new WfError('E_UNKNOWN_NEEDS', message, { loc: job.loc, hint }));
    }
    return list;
  });
  const cells = expandAll(jobs, errors);
  if (errors.length > 0) fail(errors);

  const dependents: number[][] = jobs.map(() => []);
  needs.forEach((list, i) => list.forEach((j) => dependents[j]!.push(i)));
  const order = topoOrder(needs, dependents);
  if (order.length < jobs.length) fail(findCyclesIn(needs).map((cycle) => cycleError(cycle, jobs)));

  const uniqueKey = uniqueKeyMaker();
  const byJob = new Map<string, JobInstance[]>(ids.map((id) => [id, []]));
  const instances: JobInstance[] = [];
  for (const i of order) {
    const job = jobs[i]!;
    const jobCells = cells[i];
    const axes = job.matrix ? Object.keys(job.matrix.axes) : [];
    const own = (jobCells ?? [null]).map((cell, index) => ({
      key: uniqueKey(instanceKey(job.id, cell, axes)),
      jobId: job.id,
      matrix: cell,
      index,
    }));
    byJob.set(job.id, own);
    for (const instance of own) instances.push(instance); // no spread: a matrix may have many cells
  }
  const toIds = (lists: number[][]): Map<string, string[]> =>
    new Map(lists.map((list, i) => [ids[i]!, list.map((j) => ids[j]!)]));
  return { instances, byJob, needs: toIds(needs), dependents: toIds(dependents), order: order.map((i) => ids[i]!) };
}
