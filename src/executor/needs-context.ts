import type { SerializedWfError } from '../errors/index.js';
import type { Job } from '../model/types.js';
import type { NodeStatus } from '../store/types.js';

export type NeedsContext = Record<string, { outputs: Record<string, unknown>; status: NodeStatus; result?: NodeStatus; error?: SerializedWfError | null }>;

export interface JobView {
  job: Job;
  outputs: Record<string, unknown>;
  result: NodeStatus;
  error?: SerializedWfError | null;
}

const NAMED = /\b(?:jobs|needs)\s*(?:\.\s*([A-Za-z_][\w-]*)|\[\s*'([^']*)'\s*\])/g;
const ANY = /\b(?:jobs|needs)\b/g;

/**
 * The jobs a job's expressions name (`needs.a.outputs.x`, `jobs['a']`), or 'all' when it uses
 * `jobs`/`needs` as a whole (`toJSON(needs)`, `needs.*`). Scanning the text once per job keeps a
 * 10,000-job chain linear: only what is referenced is put in its context.
 */
export function referencedJobs(job: Job): Set<string> | 'all' {
  const text = JSON.stringify([job.stages, job.outputs, job.if, job.env, job.matrix, job.continueOnError]);
  const named = new Set<string>();
  let namedCount = 0;
  for (const m of text.matchAll(NAMED)) {
    named.add((m[1] ?? m[2])!);
    namedCount++;
  }
  const all = [...text.matchAll(ANY)].length;
  return all > namedCount ? 'all' : named;
}

/** `jobs.<id>` / `needs.<id>` for a job: its direct needs and what it names (validated at load). */
export function needsOf(job: Job, refs: Set<string> | 'all', jobs: ReadonlyMap<string, JobView>): NeedsContext {
  const needs: NeedsContext = {};
  const add = (id: string) => {
    const s = jobs.get(id);
    if (s) needs[id] = { outputs: s.outputs, status: s.result, result: s.result, error: s.error ?? null };
  };
  if (refs !== 'all') {
    for (const id of job.needs) add(id);
    for (const id of refs) add(id);
    return needs;
  }
  const stack = [...job.needs];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (needs[id] || !jobs.has(id)) continue;
    add(id);
    stack.push(...jobs.get(id)!.job.needs);
  }
  return needs;
}
