import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WfError } from '../errors/index.js';
import { emptyStore } from './empty-store.js';
import { runOwnerAlive } from './owner.js';
import { normalizeLimit, prefixRange } from './queries.js';
import * as rows from './rows.js';
import { SCHEMA_VERSION, assertKnownVersion, migrate } from './schema.js';
import { Database, nativeBinding, type Transaction } from './sqlite.js';
import { sortStages } from './stage-order.js';
import { prepareStatements, type Statements } from './statements.js';
import { guard, readonlyError, storeError } from './store-error.js';
import type { RunStatus, SchedulerRecord, AttemptRecord, EventRecord, JobRecord, ListRunsQuery, LogRecord, ProcessRecord, ReleaseRecord, RunRecord, StageRecord, Store, StoreOp } from './types.js';

export const STORE_FILE = 'wf.db';
/** Events in one row at most, so a read of a few events parses little (an event may carry a stage's outputs). */
const STRETCH_MAX = 256;

/** Runs `fn`, retrying for up to 10 s while SQLite says the database is busy or locked. */
function retryBusy<T>(fn: () => T): T {
  const deadline = Date.now() + 10_000;
  for (let wait = 5; ; wait = Math.min(wait * 2, 200)) {
    try {
      return fn();
    } catch (e) {
      const code = (e as { code?: string }).code ?? '';
      if (!(code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) || Date.now() > deadline) throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, wait);
    }
  }
}

export interface OpenStoreOptions {
  /** Open for reading only; a store that does not exist yet reads as empty and is not created. */
  readonly?: boolean;
  /** Clock for the timestamps the store itself writes (markInterrupted, recordRelease). */
  now?: () => Date;
}

const AMBIGUOUS_SHOWN = 5;

/**
 * Opens (creating on first use) the run store `<stateDir>/wf.db`.
 * Records must arrive already masked: the store writes what it is given, secrets included.
 * @example const store = openStore('.wf'); store.apply([{ op: 'run', run }]); store.close();
 */
export function openStore(stateDir: string, opts: OpenStoreOptions = {}): Store {
  const file = path.join(stateDir, STORE_FILE);
  const readonly = opts.readonly ?? false;
  if (readonly && !fs.existsSync(file)) return emptyStore(file);
  try {
    return openFile(file, file, readonly, opts);
  } catch (error) {
    // SQLite reads a WAL store only where it may create the -shm file beside it: in a read-only
    // state folder, read a private copy instead, so history stays readable (wf runs, wf logs).
    if (!readonly || !isReadOnlyFolder(error)) throw error;
    return openSnapshot(file, opts);
  }
}

function isReadOnlyFolder(error: unknown): boolean {
  const code = WfError.is(error) && error.cause instanceof Database.SqliteError ? error.cause.code : '';
  return code === 'SQLITE_READONLY_DIRECTORY' || code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_READONLY';
}

function openSnapshot(file: string, opts: OpenStoreOptions): Store {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-store-'));
  const remove = (): void => fs.rmSync(dir, { recursive: true, force: true });
  try {
    const copy = path.join(dir, STORE_FILE);
    guard('copy', file, () => {
      fs.copyFileSync(file, copy);
      if (fs.existsSync(`${file}-wal`)) fs.copyFileSync(`${file}-wal`, `${copy}-wal`);
    });
    const store = openFile(copy, file, true, opts);
    const close = store.close.bind(store);
    store.close = () => {
      close();
      remove();
    };
    return store;
  } catch (error) {
    remove();
    throw error;
  }
}

/** Opens `at` (the store itself, or a copy of it); messages name `file`, the store the user knows. */
function openFile(at: string, file: string, readonly: boolean, opts: OpenStoreOptions): Store {
  const db = guard('open', file, () => {
    if (!readonly) fs.mkdirSync(path.dirname(at), { recursive: true });
    return new Database(at, { readonly, fileMustExist: readonly, ...nativeBinding() });
  });
  try {
    db.pragma('busy_timeout = 5000'); // first, so the pragmas below wait for a busy writer too
    // Switching a fresh database to WAL does not wait on the busy handler: while another process
    // creates or migrates the same store it reports "locked" at once, so retry it for a while.
    if (!readonly) retryBusy(() => db.pragma('journal_mode = WAL'));
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    if (!readonly) retryBusy(() => migrate(db, file));
    else {
      const version = assertKnownVersion(db, file);
      if (version === 0) {
        db.close();
        return emptyStore(file); // an empty file nothing has written a schema into yet
      }
      if (version < SCHEMA_VERSION) {
        throw new WfError('E_STORE', `state store ${file} has schema version ${version}, older than ${SCHEMA_VERSION}`, {
          hint: 'run a wf command that writes (e.g. wf run) once to upgrade it',
        });
      }
    }
    return new SqliteStore(db, file, readonly, opts.now ?? (() => new Date()));
  } catch (error) {
    db.close();
    throw storeError(error, 'open', file);
  }
}

class SqliteStore implements Store {
  private readonly sql: Statements;
  private readonly applyTx: Transaction<(ops: readonly StoreOp[]) => void>;

  constructor(
    private readonly db: Database,
    private readonly file: string,
    private readonly readonly: boolean,
    private readonly now: () => Date,
  ) {
    this.sql = prepareStatements(db);
    this.applyTx = db.transaction((ops: readonly StoreOp[]) => {
      // A run's state events (not its log lines) go in one row per stretch of them: a row costs
      // ~5 µs to insert, and a short stage makes two events. Rows of other tables in between
      // do not matter (one transaction); a log line keeps its place (the stretch ends before it).
      let stretch: Array<Omit<EventRecord, 'seq'>> = [];
      const endStretch = () => {
        if (stretch.length === 1) this.sql.insertEvent.run(rows.eventValues(stretch[0]!));
        else if (stretch.length > 1) this.sql.insertEvents.run(rows.packedEventValues(stretch));
        stretch = [];
      };
      for (const op of ops) {
        if (op.op === 'event' && op.event.type !== 'log') {
          if (stretch.length > 0 && (stretch[0]!.runId !== op.event.runId || stretch.length >= STRETCH_MAX)) endStretch();
          stretch.push(op.event);
        } else {
          if (op.op === 'event' || op.op === 'log') endStretch();
          this.applyOne(op);
        }
      }
      endStretch();
    });
  }

  apply(ops: readonly StoreOp[]): void {
    this.assertWritable();
    if (ops.length === 0) return;
    // IMMEDIATE takes the write lock up front, so a busy store waits (busy_timeout) instead of failing mid-batch.
    guard('write', this.file, () => this.applyTx.immediate(ops));
  }

  private applyOne(op: StoreOp): void {
    switch (op.op) {
      case 'run-create':
        this.sql.insertRun.run(rows.runToRow(op.run));
        return;
      case 'run':
        this.sql.upsertRun.run(rows.runToRow(op.run));
        return;
      case 'run-update':
        return this.updateRun(op.id, op.patch);
      case 'job':
        this.sql.upsertJob.run(rows.jobToRow(op.job));
        return;
      case 'stage':
        this.sql.upsertStage.run(rows.stageValues(op.stage));
        return;
      case 'log': {
        const l = op.log;
        this.sql.insertEvent.run(rows.eventValues({ runId: l.runId, ts: l.ts, type: 'log', jobKey: l.jobKey, stagePath: l.stagePath, stream: l.stream, text: l.text, data: null }));
        return;
      }
      case 'event':
        this.sql.insertEvent.run(rows.eventValues(op.event));
        return;
      case 'attempt':
        this.sql.upsertAttempt.run(rows.attemptValues(op.attempt));
        return;
      case 'attempt-keep':
        this.sql.keepAttempts.run(op.runId, op.jobKey, op.stagePath);
        return;
      case 'proc':
        this.sql.insertProcess.run(rows.processToRow(op.proc));
        return;
      case 'proc-end':
        this.sql.deleteProcess.run(op.runId, op.pid);
        return;
      case 'run-close':
        for (const stmt of this.sql.closeNodes) stmt.run({ id: op.id, status: op.nodeStatus, now: op.endedAt });
        this.updateRun(op.id, { status: op.status, endedAt: op.endedAt, pid: null, owner: null, ...(op.error !== undefined ? { error: op.error } : {}) });
        this.sql.deleteProcessesOfRun.run(op.id);
        return;
      default:
        throw new WfError('E_INTERNAL', `unknown store op ${JSON.stringify((op as { op: unknown }).op)}`);
    }
  }

  private updateRun(id: string, patch: Partial<Omit<RunRecord, 'id'>>): void {
    const fields = (Object.keys(patch) as (keyof typeof patch)[]).filter((k) => patch[k] !== undefined).sort();
    if (fields.length === 0) return;
    const params: Record<string, unknown> = { id };
    for (const field of fields) {
      const column = rows.RUN_COLUMNS[field];
      if (!column) throw new WfError('E_INTERNAL', `run-update: unknown run field "${field}"`);
      params[column[0]] = column[1](patch[field] as never);
    }
    if (this.sql.updateRun(fields).run(params).changes === 0) {
      throw new WfError('E_INTERNAL', `run-update for run ${id}, which is not in the store`);
    }
  }

  getRun(idOrPrefix: string): RunRecord | undefined {
    if (idOrPrefix === '') return undefined;
    return guard('read run', this.file, () => {
      const exact = this.sql.runById.get(idOrPrefix) as rows.RunRow | undefined;
      if (exact) return rows.rowToRun(exact);
      const found = this.sql.runsByPrefix.all({ ...prefixRange(idOrPrefix), limit: AMBIGUOUS_SHOWN + 1 }) as rows.RunRow[];
      if (found.length <= 1) return found[0] && rows.rowToRun(found[0]);
      const shown = found.slice(0, AMBIGUOUS_SHOWN).map((r) => `${r.id} (${r.pipeline}, ${r.started_at})`);
      throw new WfError('E_USAGE', `run id prefix "${idOrPrefix}" matches more than one run`, {
        hint: `type more of the id; matches: ${shown.join(', ')}${found.length > AMBIGUOUS_SHOWN ? ', …' : ''}`,
      });
    });
  }

  listRuns(query: ListRunsQuery = {}): RunRecord[] {
    const limit = normalizeLimit(query.limit);
    const stmt = this.sql.listRuns(query.pipeline !== undefined, query.status !== undefined);
    const params = { pipeline: query.pipeline, status: query.status, limit };
    return guard('list runs', this.file, () => (stmt.all(withoutUndefined(params)) as rows.RunRow[]).map(rows.rowToRun));
  }

  getJobs(runId: string): JobRecord[] {
    return guard('read jobs', this.file, () => (this.sql.jobsOfRun.all(runId) as rows.JobRow[]).map(rows.rowToJob));
  }

  /** Stages grouped by job (first written first), each job's in path order ("2" < "2.0" < "10"). */
  getStages(runId: string): StageRecord[] {
    return guard('read stages', this.file, () =>
      sortStages((this.sql.stagesOfRun.all(runId) as rows.StageRow[]).map(rows.rowToStage)),
    );
  }

  /** Log lines in write order; a `stagePath` filter includes the stage's nested stages. */
  getLogs(runId: string, filter: { jobKey?: string; stagePath?: string } = {}): LogRecord[] {
    const stmt = this.sql.logs(filter.jobKey !== undefined, filter.stagePath !== undefined);
    const params = withoutUndefined({ runId, jobKey: filter.jobKey, stagePath: filter.stagePath });
    return guard('read logs', this.file, () => (stmt.all(params) as rows.LogRow[]).map(rows.rowToLog));
  }

  markInterrupted(isOwnerAlive: (run: RunRecord) => boolean = (r) => runOwnerAlive(r, this.now().getTime())): { ids: string[]; orphans: ProcessRecord[] } {
    this.assertWritable();
    const now = this.now().toISOString();
    const mark = this.db.transaction(() => {
      const ids: string[] = [];
      const orphans: ProcessRecord[] = [];
      for (const row of this.sql.runningRuns.all() as rows.RunRow[]) {
        const run = rows.rowToRun(row);
        if (isOwnerAlive(run)) continue;
        this.sql.interruptRun.run({ id: run.id, now });
        this.sql.interruptJobs.run({ id: run.id, now });
        this.sql.interruptStages.run({ id: run.id, now });
        this.sql.interruptAttempts.run({ id: run.id, now });
        this.sql.insertEvent.run(rows.eventValues({ runId: run.id, ts: now, type: 'run-end', jobKey: null, stagePath: null, stream: null, text: null, data: { status: 'interrupted', reason: 'its process is gone' } }));
        orphans.push(...(this.sql.processesOfRun.all(run.id) as rows.ProcessRow[]).map(rows.rowToProcess));
        this.sql.deleteProcessesOfRun.run(run.id);
        ids.push(run.id);
      }
      return { ids, orphans };
    });
    return guard('mark interrupted runs', this.file, () => mark.immediate());
  }

  createRun(run: RunRecord, claim?: { scheduleKey: string; instant: string }): boolean {
    this.assertWritable();
    const tx = this.db.transaction(() => {
      if (claim) {
        const row: rows.ReleaseRow = { pipeline: run.pipeline, schedule_key: claim.scheduleKey, instant: claim.instant, run_id: run.id, created_at: this.now().toISOString() };
        if (this.sql.insertRelease.run(row).changes === 0) return false;
      }
      this.sql.insertRun.run(rows.runToRow(run));
      return true;
    });
    return guard('create run', this.file, () => tx.immediate());
  }

  transitionRun(id: string, from: readonly RunStatus[], patch: Partial<Omit<RunRecord, 'id'>>): boolean {
    this.assertWritable();
    const tx = this.db.transaction(() => {
      const row = this.sql.runById.get(id) as rows.RunRow | undefined;
      if (!row || !from.includes(row.status as RunStatus)) return false;
      this.updateRun(id, patch);
      return true;
    });
    return guard('update run', this.file, () => tx.immediate());
  }

  requestCancel(runId: string): RunRecord | undefined {
    this.assertWritable();
    return guard('request cancel', this.file, () => {
      this.sql.requestCancel.run({ id: runId, now: this.now().toISOString() });
      const row = this.sql.runById.get(runId) as rows.RunRow | undefined;
      return row && rows.rowToRun(row);
    });
  }

  getAttempts(runId: string): AttemptRecord[] {
    return guard('read attempts', this.file, () => (this.sql.attemptsOfRun.all({ runId }) as rows.AttemptRow[]).map(rows.rowToAttempt));
  }

  getEvents(runId: string, afterSeq = 0, limit = 10_000): EventRecord[] {
    return guard('read events', this.file, () => {
      const events: EventRecord[] = [];
      // A row holds one event or a stretch of them; a stretch may begin at or before afterSeq.
      for (const row of this.sql.eventsAfter.all({ runId, after: afterSeq, limit }) as rows.EventRow[]) {
        for (const event of rows.rowToEvents(row)) if (event.seq > afterSeq && (limit < 0 || events.length < limit)) events.push(event);
      }
      return events;
    });
  }

  scheduleState(pipeline: string, scheduleKey: string): string | null {
    return guard('read schedule state', this.file, () => (this.db.prepare('SELECT last_instant FROM schedule_state WHERE pipeline = ? AND schedule_key = ?').pluck().get(pipeline, scheduleKey) as string | undefined) ?? null);
  }

  advanceSchedule(pipeline: string, scheduleKey: string, instant: string): void {
    this.assertWritable();
    guard('write schedule state', this.file, () =>
      this.db
        .prepare(`INSERT INTO schedule_state (pipeline, schedule_key, last_instant, updated_at) VALUES (?, ?, ?, ?)
          ON CONFLICT (pipeline, schedule_key) DO UPDATE SET last_instant = max(last_instant, excluded.last_instant), updated_at = excluded.updated_at`)
        .run(pipeline, scheduleKey, instant, this.now().toISOString()),
    );
  }

  recordSkip(r: { pipeline: string; scheduleKey: string; instant: string; reason: string }): boolean {
    this.assertWritable();
    return guard('record skipped release', this.file, () =>
      this.db.prepare(`INSERT OR IGNORE INTO releases (pipeline, schedule_key, instant, run_id, created_at, status, reason) VALUES (?, ?, ?, NULL, ?, 'skipped', ?)`)
        .run(r.pipeline, r.scheduleKey, r.instant, this.now().toISOString(), r.reason).changes === 1,
    );
  }

  beatScheduler(x: SchedulerRecord): void {
    this.assertWritable();
    guard('write scheduler heartbeat', this.file, () =>
      this.db
        .prepare(`INSERT INTO schedulers (id, host, pid, start, started_at, heartbeat_at, stopped_at) VALUES (@id, @host, @pid, @start, @startedAt, @heartbeatAt, @stoppedAt)
          ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, stopped_at = excluded.stopped_at`)
        .run(x),
    );
  }

  listSchedulers(): SchedulerRecord[] {
    return guard('read schedulers', this.file, () =>
      (this.db.prepare('SELECT id, host, pid, start, started_at, heartbeat_at, stopped_at FROM schedulers ORDER BY heartbeat_at DESC LIMIT 50').all() as Array<Record<string, unknown>>).map((r) => ({
        id: r.id as string, host: r.host as string, pid: r.pid as number, start: r.start as string | null, startedAt: r.started_at as string, heartbeatAt: r.heartbeat_at as string, stoppedAt: r.stopped_at as string | null,
      })),
    );
  }

  runsEndedSince(pipeline: string, since: string): RunRecord[] {
    return guard('read ended runs', this.file, () =>
      (this.db.prepare(`SELECT ${rows.RUN_COLS} FROM runs WHERE pipeline = ? AND ended_at > ? AND status NOT IN ('running', 'paused') ORDER BY ended_at, id`).all(pipeline, since) as rows.RunRow[]).map(rows.rowToRun),
    );
  }

  childRuns(runId: string): RunRecord[] {
    return guard('read child runs', this.file, () => (this.sql.childRuns.all(runId) as rows.RunRow[]).map(rows.rowToRun));
  }

  recordRelease(release: Omit<ReleaseRecord, 'createdAt'>): boolean {
    this.assertWritable();
    const row: rows.ReleaseRow = {
      pipeline: release.pipeline,
      schedule_key: release.scheduleKey,
      instant: release.instant,
      run_id: release.runId ?? null,
      created_at: this.now().toISOString(),
    };
    return guard('record release', this.file, () => this.sql.insertRelease.run(row).changes === 1);
  }

  /** Releases, newest instant first (instants compare as text: keep them UTC ISO strings). */
  listReleases(pipeline?: string): ReleaseRecord[] {
    const stmt = this.sql.listReleases(pipeline !== undefined);
    return guard('list releases', this.file, () =>
      (stmt.all(withoutUndefined({ pipeline })) as rows.ReleaseRow[]).map(rows.rowToRelease),
    );
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private assertWritable(): void {
    if (this.readonly) throw readonlyError(this.file);
  }
}

/** better-sqlite3 rejects named parameters a statement does not use; drop the unset ones. */
function withoutUndefined(params: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
}
