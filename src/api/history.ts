import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { WfError } from '../errors/index.js';
import { recoverInterrupted } from '../executor/recover.js';
import { openStore, runOwnerAlive, STORE_FILE, type AttemptRecord, type JobRecord, type ListRunsQuery, type LogRecord, type RunRecord, type StageRecord, type Store } from '../store/index.js';

export interface StageDetails extends StageRecord {
  /** Every attempt of this stage, the one shown above included (`retry:`, `wf retry`). */
  attempts: AttemptRecord[];
}

export interface JobDetails extends JobRecord {
  stages: StageDetails[];
  attempts: AttemptRecord[];
}

export interface RunDetails {
  run: RunRecord;
  jobs: JobDetails[];
}

/**
 * Opens the store to read history. Where it may write, runs left behind by a dead process are
 * recovered first (marked interrupted, their processes killed), as every command does; a store
 * that does not exist yet is not created, and a read-only state folder is still readable.
 */
export function openForReading(state: string): Store {
  if (existsSync(join(state, STORE_FILE))) {
    try {
      const store = openStore(state);
      recoverInterrupted(store);
      return store;
    } catch {
      // read-only folder or file: read what is there
    }
  }
  return openStore(state, { readonly: true });
}

function withStore<T>(state: string, fn: (store: Store) => T): T {
  const store = openForReading(state);
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

function details(store: Store, stored: RunRecord): RunDetails {
  // Read-only commands do not write; a run whose process is gone is shown as it will be recorded.
  const run: RunRecord = stored.status === 'running' && !runOwnerAlive(stored) ? { ...stored, status: 'interrupted' } : stored;
  const attempts = new Map<string, AttemptRecord[]>();
  for (const a of store.getAttempts(run.id)) {
    const key = `${a.jobKey}\0${a.stagePath}`;
    attempts.set(key, [...(attempts.get(key) ?? []), a]);
  }
  const stages = store.getStages(run.id).map((s) => ({ ...s, attempts: attempts.get(`${s.jobKey}\0${s.path}`) ?? [] }));
  const byJob = new Map<string, StageDetails[]>();
  for (const s of stages) byJob.set(s.jobKey, [...(byJob.get(s.jobKey) ?? []), s]);
  const jobs = store.getJobs(run.id).map((job) => ({ ...job, stages: byJob.get(job.key) ?? [], attempts: attempts.get(`${job.key}\0`) ?? [] }));
  return { run, jobs };
}

/** Finds a run by id, unique prefix, or `last`. */
export function findRun(store: Store, idOrPrefix: string): RunRecord {
  const run = idOrPrefix === 'last' ? store.listRuns({ limit: 1 })[0] : store.getRun(idOrPrefix);
  if (!run) {
    const recent = store.listRuns({ limit: 3 }).map((r) => r.id);
    throw new WfError('E_NOT_FOUND', `no run '${idOrPrefix}' in the store`, {
      hint: recent.length ? `recent runs: ${recent.join(', ')} (see 'wf runs')` : "no runs yet: start one with 'wf run PIPELINE'",
    });
  }
  return run;
}

/** One run with its jobs and their stages (outputs included). */
export function runDetails(state: string, idOrPrefix: string): RunDetails {
  return withStore(state, (store) => details(store, findRun(store, idOrPrefix)));
}

/** Recent runs, newest first, each with jobs and stages. */
export function listRunDetails(state: string, query: ListRunsQuery): RunDetails[] {
  return withStore(state, (store) => store.listRuns(query).map((run) => details(store, run)));
}

/**
 * Checks a pipeline name given to `wf runs NAME` that has no runs: a pipeline of conf/ (or one that
 * ran before) simply has none; any other name is an E_UNKNOWN_TEMPLATE with a did-you-mean.
 */
export async function assertKnownPipeline(where: { conf: string; state: string }, name: string): Promise<void> {
  let defined: string[] = [];
  try {
    const { inspectProject } = await import('../loader/load-project.js');
    defined = [...inspectProject({ conf: where.conf }).project.pipelines.keys()];
  } catch {
    // no readable conf/: only the names in the store count
  }
  if (defined.includes(name)) return;
  // Only for a name conf/ does not define: the history may still hold runs of a removed pipeline.
  const stored = withStore(where.state, (store) => store.listRuns({ limit: 100_000 }).map((r) => r.pipeline));
  const names = [...new Set([...defined, ...stored])];
  if (names.includes(name)) return;
  const { didYouMean } = await import('../errors/index.js');
  throw new WfError('E_UNKNOWN_TEMPLATE', `no pipeline named '${name}' in ${where.conf} or in the run history`, {
    hint: didYouMean(name, names, 'a pipeline') ?? "see 'wf list' for the pipelines there are",
  });
}

export interface RunLogs extends RunDetails {
  logs: LogRecord[];
}

/** A run's details and log lines, optionally for one job and/or one stage. */
export function runLogs(state: string, idOrPrefix: string, filter: { job?: string; stage?: string } = {}): RunLogs {
  return withStore(state, (store) => {
    const run = findRun(store, idOrPrefix);
    const all = details(store, run);
    let jobs = all.jobs;
    if (filter.job) {
      jobs = jobs.filter((j) => j.key === filter.job || j.jobId === filter.job);
      if (jobs.length === 0) throw new WfError('E_NOT_FOUND', `run ${run.id} has no job '${filter.job}'`, { hint: `jobs: ${all.jobs.map((j) => j.key).join(', ')}` });
    }
    if (filter.stage) {
      const s = filter.stage;
      jobs = jobs.map((j) => ({ ...j, stages: j.stages.filter((st) => st.stageId === s || st.name === s || st.path === s) })).filter((j) => j.stages.length > 0);
      if (jobs.length === 0) throw new WfError('E_NOT_FOUND', `run ${run.id} has no stage '${s}'`, { hint: 'give a stage id, its name, or its position (0, 1, …)' });
    }
    const keep = new Set(jobs.flatMap((j) => (filter.stage ? j.stages.map((s) => `${j.key}\0${s.path}`) : [`${j.key}\0*`])));
    const logs = store.getLogs(run.id).filter((l) => !filter.job && !filter.stage ? true : keep.has(`${l.jobKey}\0${filter.stage ? l.stagePath : '*'}`));
    return { run, jobs, logs };
  });
}

export interface RunTree extends RunDetails {
  /** Child runs (`trigger:`), each with its own tree. */
  children: RunTree[];
}

/** A run with its jobs, stages, attempts and child runs, recursively (`wf logs --tree`). */
export function runTree(state: string, idOrPrefix: string): RunTree {
  return withStore(state, (store) => {
    const build = (run: RunRecord, depth: number): RunTree => ({
      ...details(store, run),
      children: depth > 20 ? [] : store.childRuns(run.id).map((c) => build(c, depth + 1)),
    });
    return build(findRun(store, idOrPrefix), 0);
  });
}
