import { openStore, type JobRecord, type LogRecord, type RunRecord, type StageRecord } from '../../src/store/index.js';

export interface StoredRun {
  run: RunRecord;
  jobs: JobRecord[];
  stages: StageRecord[];
  logs: LogRecord[];
}

/** Every run in a state folder, newest first, with its jobs, stages and logs (read-only). */
export function readRuns(stateDir: string): StoredRun[] {
  const store = openStore(stateDir, { readonly: true });
  try {
    return store.listRuns({ limit: 1000 }).map((run) => ({
      run,
      jobs: store.getJobs(run.id),
      stages: store.getStages(run.id),
      logs: store.getLogs(run.id),
    }));
  } finally {
    store.close();
  }
}

/** The only run in a state folder (fails when there is not exactly one). */
export function onlyRun(stateDir: string): StoredRun {
  const runs = readRuns(stateDir);
  if (runs.length !== 1) throw new Error(`expected one run in ${stateDir}, found ${runs.length}`);
  return runs[0]!;
}

/** The job record with this instance key. */
export function jobOf(r: StoredRun, key: string): JobRecord {
  const job = r.jobs.find((j) => j.key === key);
  if (!job) throw new Error(`no job '${key}' in run ${r.run.id}; jobs: ${r.jobs.map((j) => j.key).join(', ')}`);
  return job;
}

/** The stages of one job instance, in path order. */
export function stagesOf(r: StoredRun, jobKey: string): StageRecord[] {
  return r.stages.filter((s) => s.jobKey === jobKey);
}
