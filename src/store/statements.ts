import type { Database, Statement } from './sqlite.js';
import { WfError } from '../errors/index.js';
import { ATTEMPT_COLS, EVENT_COLS, RUN_COLS, RUN_COLUMNS, STAGE_COLS } from './rows.js';
import type { RunRecord } from './types.js';

type Stmt = Statement;

/** The statements `apply` and the readers use, prepared once per connection. */
export interface Statements {
  upsertRun: Stmt;
  upsertJob: Stmt;
  upsertStage: Stmt;
  insertRun: Stmt;
  insertEvent: Stmt;
  insertEvents: Stmt;
  upsertAttempt: Stmt;
  keepAttempts: Stmt;
  insertProcess: Stmt;
  deleteProcess: Stmt;
  processesOfRun: Stmt;
  deleteProcessesOfRun: Stmt;
  attemptsOfRun: Stmt;
  eventsAfter: Stmt;
  childRuns: Stmt;
  requestCancel: Stmt;
  runById: Stmt;
  runsByPrefix: Stmt;
  jobsOfRun: Stmt;
  stagesOfRun: Stmt;
  runningRuns: Stmt;
  interruptRun: Stmt;
  interruptJobs: Stmt;
  interruptStages: Stmt;
  interruptAttempts: Stmt;
  closeNodes: Stmt[];
  insertRelease: Stmt;
  /** `run-update` statement for one set of patched fields, cached per set. */
  updateRun(fields: readonly (keyof RunRecord)[]): Stmt;
  /** `listRuns` statement for one combination of filters, cached. */
  listRuns(byPipeline: boolean, byStatus: boolean): Stmt;
  /** `getLogs` statement for one combination of filters, cached. */
  logs(byJob: boolean, byStage: boolean): Stmt;
  listReleases(byPipeline: boolean): Stmt;
}

const JOB_COLS = 'run_id, key, job_id, matrix, status, started_at, ended_at, outputs, error, attempt';
const PROCESS_COLS = 'run_id, job_key, stage_path, pid, start, host';
const values = (cols: string) => cols.split(', ').map((c) => '@' + c).join(', ');
/** Statuses of a stage attempt that has not ended, or was cut short by the loss of its process. */
const UNENDED = "'running', 'pending', 'interrupted'";
/** A stage row's columns as an attempt row's (ATTEMPT_COLS). */
const STAGE_AS_ATTEMPT = 'run_id, job_key, path, attempt, status, started_at, ended_at, outputs, error';
/** Placeholders bound by position, for the writes made for every stage (~2 µs a row less than by name). */
const positions = (cols: string) => cols.split(', ').map(() => '?').join(', ');

/** `INSERT … ON CONFLICT DO UPDATE` (not REPLACE: a REPLACE deletes the row and would cascade); values by name, or by position. */
function upsert(table: string, cols: string, key: string[], byPosition = false): string {
  const names = cols.split(', ');
  const updates = names.filter((c) => !key.includes(c)).map((c) => `${c} = excluded.${c}`);
  return `INSERT INTO ${table} (${cols}) VALUES (${(byPosition ? positions : values)(cols)})
    ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${updates.join(', ')}`;
}

function cached<K, V>(make: (key: K) => V): (key: K) => V {
  const cache = new Map<K, V>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined) cache.set(key, (value = make(key)));
    return value;
  };
}

/** Prepares every fixed statement up front; the variable ones are prepared on first use. */
export function prepareStatements(db: Database): Statements {
  const interruptNodes = (table: string) =>
    db.prepare(`UPDATE ${table} SET status = 'interrupted', ended_at = coalesce(ended_at, @now)
      WHERE run_id = @id AND status IN ('running', 'pending')`);

  const updateRun = cached((fieldList: string) => {
    const sets = fieldList.split(',').map((field) => {
      const column = RUN_COLUMNS[field as keyof typeof RUN_COLUMNS];
      if (!column) throw new WfError('E_INTERNAL', `run-update: unknown run field "${field}"`);
      return `${column[0]} = @${column[0]}`;
    });
    return db.prepare(`UPDATE runs SET ${sets.join(', ')} WHERE id = @id`);
  });

  const listRuns = cached((filters: string) => {
    const where = [filters.includes('p') && 'pipeline = @pipeline', filters.includes('s') && 'status = @status'].filter(Boolean);
    return db.prepare(`SELECT ${RUN_COLS} FROM runs ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
      ORDER BY started_at DESC, id DESC LIMIT @limit`);
  });

  // A stage filter also matches the stage's nested children ("2" matches "2.0.1").
  const logs = cached((filters: string) => {
    const where = ['run_id = @runId'];
    if (filters.includes('j')) where.push('job_key = @jobKey');
    if (filters.includes('s')) where.push(`(stage_path = @stagePath OR substr(stage_path, 1, length(@stagePath) + 1) = @stagePath || '.')`);
    return db.prepare(`SELECT run_id, job_key, stage_path, ts, stream, text FROM events WHERE ${where.join(' AND ')} AND type = 'log' ORDER BY seq`);
  });

  const listReleases = cached((byPipeline: boolean) =>
    db.prepare(`SELECT pipeline, schedule_key, instant, run_id, created_at, status, reason FROM releases
      ${byPipeline ? 'WHERE pipeline = @pipeline' : ''} ORDER BY instant DESC, pipeline, schedule_key`),
  );

  return {
    upsertRun: db.prepare(upsert('runs', RUN_COLS, ['id'])),
    upsertJob: db.prepare(upsert('jobs', JOB_COLS, ['run_id', 'key'])),
    upsertStage: db.prepare(upsert('stages', STAGE_COLS, ['run_id', 'job_key', 'path'], true)),
    insertRun: db.prepare(`INSERT INTO runs (${RUN_COLS}) VALUES (${values(RUN_COLS)})`),
    insertEvent: db.prepare(`INSERT INTO events (${EVENT_COLS}) VALUES (${positions(EVENT_COLS)})`),
    // n events in one row (rows.ts packedEventValues): its seq is the last of the n seqs above every
    // one used so far (sqlite_sequence remembers those of deleted rows too), the first bound value.
    insertEvents: db.prepare(`INSERT INTO events (seq, ${EVENT_COLS}) VALUES (
      max(coalesce((SELECT max(seq) FROM events), 0), coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0)) + ?, ${positions(EVENT_COLS)})`),
    upsertAttempt: db.prepare(upsert('attempts', ATTEMPT_COLS, ['run_id', 'job_key', 'stage_path', 'attempt'], true)),
    insertProcess: db.prepare(`INSERT OR REPLACE INTO processes (${PROCESS_COLS}) VALUES (${values(PROCESS_COLS)})`),
    deleteProcess: db.prepare('DELETE FROM processes WHERE run_id = ? AND pid = ?'),
    processesOfRun: db.prepare(`SELECT ${PROCESS_COLS} FROM processes WHERE run_id = ?`),
    deleteProcessesOfRun: db.prepare('DELETE FROM processes WHERE run_id = ?'),
    keepAttempts: db.prepare(`INSERT INTO attempts (${ATTEMPT_COLS})
      SELECT ${STAGE_AS_ATTEMPT} FROM stages WHERE run_id = ? AND job_key = ? AND path = ? AND status NOT IN (${UNENDED})
      ON CONFLICT (run_id, job_key, stage_path, attempt) DO UPDATE SET
        status = excluded.status, started_at = excluded.started_at, ended_at = excluded.ended_at, outputs = excluded.outputs, error = excluded.error`),
    // The attempt rows, and each stage's latest attempt from its own row once it has ended (one cut
    // short by the loss of its process was never counted), which wins over an attempt row of the
    // same number (a job's next attempt runs its stages from attempt 1 again; a store written
    // before stage rows held the latest attempt has a row for it too).
    attemptsOfRun: db.prepare(`SELECT ${ATTEMPT_COLS} FROM attempts a WHERE run_id = @runId
        AND NOT EXISTS (SELECT 1 FROM stages s WHERE s.run_id = a.run_id AND s.job_key = a.job_key AND s.path = a.stage_path AND s.attempt = a.attempt AND s.status NOT IN (${UNENDED}))
      UNION ALL
      SELECT ${STAGE_AS_ATTEMPT} FROM stages WHERE run_id = @runId AND status NOT IN (${UNENDED})
      ORDER BY job_key, stage_path, attempt`),
    eventsAfter: db.prepare(`SELECT seq, ${EVENT_COLS} FROM events WHERE run_id = @runId AND seq > @after ORDER BY seq LIMIT @limit`),
    childRuns: db.prepare(`SELECT ${RUN_COLS} FROM runs WHERE parent_run_id = ? ORDER BY started_at, id`),
    requestCancel: db.prepare(`UPDATE runs SET cancel_requested_at = coalesce(cancel_requested_at, @now) WHERE id = @id AND status = 'running'`),
    runById: db.prepare(`SELECT ${RUN_COLS} FROM runs WHERE id = ?`),
    // A range on the primary key, so a prefix lookup uses the index.
    runsByPrefix: db.prepare(`SELECT ${RUN_COLS} FROM runs WHERE id >= @lo AND id < @hi ORDER BY id LIMIT @limit`),
    jobsOfRun: db.prepare(`SELECT ${JOB_COLS} FROM jobs WHERE run_id = ? ORDER BY rowid`),
    stagesOfRun: db.prepare(`SELECT ${STAGE_COLS} FROM stages WHERE run_id = ? ORDER BY rowid`),
    runningRuns: db.prepare(`SELECT ${RUN_COLS} FROM runs WHERE status = 'running'`),
    interruptRun: db.prepare(`UPDATE runs SET status = 'interrupted', ended_at = @now, pid = NULL, owner = NULL WHERE id = @id AND status = 'running'`),
    interruptJobs: interruptNodes('jobs'),
    interruptStages: interruptNodes('stages'),
    interruptAttempts: interruptNodes('attempts'),
    closeNodes: ['jobs', 'stages', 'attempts'].map((t) => db.prepare(`UPDATE ${t} SET status = @status, ended_at = coalesce(ended_at, @now) WHERE run_id = @id AND status IN ('running', 'pending')`)),
    insertRelease: db.prepare(`INSERT OR IGNORE INTO releases (pipeline, schedule_key, instant, run_id, created_at)
      VALUES (@pipeline, @schedule_key, @instant, @run_id, @created_at)`),
    updateRun: (fields) => updateRun(fields.join(',')),
    listRuns: (byPipeline, byStatus) => listRuns((byPipeline ? 'p' : '') + (byStatus ? 's' : '')),
    logs: (byJob, byStage) => logs((byJob ? 'j' : '') + (byStage ? 's' : '')),
    listReleases,
  };
}
