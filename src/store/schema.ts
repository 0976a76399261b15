import type { Database } from './sqlite.js';
import { WfError } from '../errors/index.js';

/** One schema step: DDL text, or a function for steps that must move data. */
export type Migration = string | ((db: Database) => void);

// Foreign keys are DEFERRABLE so one apply() batch may write a job or stage before its run;
// they are checked when the batch commits.
const V1 = `
CREATE TABLE runs (
  id            TEXT PRIMARY KEY,
  pipeline      TEXT NOT NULL,
  status        TEXT NOT NULL,
  params        TEXT NOT NULL,
  release       TEXT,
  attempt       INTEGER NOT NULL,
  trigger       TEXT NOT NULL,
  parent_run_id TEXT,
  started_at    TEXT NOT NULL,
  ended_at      TEXT,
  error         TEXT,
  pid           INTEGER
);
CREATE INDEX runs_by_start    ON runs (started_at DESC, id DESC);
CREATE INDEX runs_by_pipeline ON runs (pipeline, started_at DESC, id DESC);
CREATE INDEX runs_by_status   ON runs (status, started_at DESC, id DESC);

CREATE TABLE jobs (
  run_id     TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  key        TEXT NOT NULL,
  job_id     TEXT NOT NULL,
  matrix     TEXT,
  status     TEXT NOT NULL,
  started_at TEXT,
  ended_at   TEXT,
  outputs    TEXT,
  error      TEXT,
  PRIMARY KEY (run_id, key)
);

CREATE TABLE stages (
  run_id     TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  job_key    TEXT NOT NULL,
  path       TEXT NOT NULL,
  stage_id   TEXT,
  name       TEXT NOT NULL,
  kind       TEXT NOT NULL,
  status     TEXT NOT NULL,
  started_at TEXT,
  ended_at   TEXT,
  outputs    TEXT,
  error      TEXT,
  PRIMARY KEY (run_id, job_key, path)
);

CREATE TABLE logs (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id      TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  job_key     TEXT,
  stage_path  TEXT,
  ts          TEXT NOT NULL,
  stream      TEXT NOT NULL,
  text        TEXT NOT NULL
);
CREATE INDEX logs_by_run ON logs (run_id, seq);

CREATE TABLE releases (
  pipeline     TEXT NOT NULL,
  schedule_key TEXT NOT NULL,
  instant      TEXT NOT NULL,
  run_id       TEXT,
  created_at   TEXT NOT NULL,
  UNIQUE (pipeline, schedule_key, instant)
);
CREATE INDEX releases_by_instant ON releases (instant DESC);
`;

// v2, the durable run: attempts as rows, every state change and log line as an event with a
// monotonic sequence (log lines move there), the owner of a running run instead of a bare pid,
// a cancel request other processes can make, the model hash a run used, and the process groups
// a run started (so a kill -9 leaves nothing that the next wf command cannot find).
const V2 = `
ALTER TABLE runs ADD COLUMN owner TEXT;
ALTER TABLE runs ADD COLUMN heartbeat_at TEXT;
ALTER TABLE runs ADD COLUMN cancel_requested_at TEXT;
ALTER TABLE runs ADD COLUMN model_hash TEXT;
ALTER TABLE runs ADD COLUMN job_hashes TEXT;
ALTER TABLE runs ADD COLUMN context TEXT;
ALTER TABLE jobs ADD COLUMN attempt INTEGER NOT NULL DEFAULT 1;
ALTER TABLE stages ADD COLUMN attempt INTEGER NOT NULL DEFAULT 1;
CREATE INDEX runs_by_parent ON runs (parent_run_id) WHERE parent_run_id IS NOT NULL;

CREATE TABLE attempts (
  run_id     TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  job_key    TEXT NOT NULL,
  stage_path TEXT NOT NULL,
  attempt    INTEGER NOT NULL,
  status     TEXT NOT NULL,
  started_at TEXT,
  ended_at   TEXT,
  outputs    TEXT,
  error      TEXT,
  PRIMARY KEY (run_id, job_key, stage_path, attempt)
);

CREATE TABLE events (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id     TEXT NOT NULL,
  ts         TEXT NOT NULL,
  type       TEXT NOT NULL,
  job_key    TEXT,
  stage_path TEXT,
  stream     TEXT,
  text       TEXT,
  data       TEXT
);
CREATE INDEX events_by_run ON events (run_id, seq);
INSERT INTO events (run_id, ts, type, job_key, stage_path, stream, text)
  SELECT run_id, ts, 'log', job_key, stage_path, stream, text FROM logs ORDER BY seq;
DROP TABLE logs;

CREATE TABLE processes (
  run_id     TEXT NOT NULL,
  job_key    TEXT,
  stage_path TEXT,
  pid        INTEGER NOT NULL,
  start      TEXT,
  host       TEXT NOT NULL,
  PRIMARY KEY (run_id, pid)
);
`;

// v3, the scheduler: a state row per schedule (the last instant evaluated), skipped releases kept
// beside released ones with their reason, and the heartbeat of each `wf schedule` process.
const V3 = `
ALTER TABLE releases ADD COLUMN status TEXT NOT NULL DEFAULT 'released';
ALTER TABLE releases ADD COLUMN reason TEXT;
CREATE TABLE schedule_state (
  pipeline      TEXT NOT NULL,
  schedule_key  TEXT NOT NULL,
  last_instant  TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  PRIMARY KEY (pipeline, schedule_key)
);
CREATE TABLE schedulers (
  id           TEXT PRIMARY KEY,
  host         TEXT NOT NULL,
  pid          INTEGER NOT NULL,
  start        TEXT,
  started_at   TEXT NOT NULL,
  heartbeat_at TEXT NOT NULL,
  stopped_at   TEXT
);
CREATE INDEX runs_by_end ON runs (pipeline, ended_at) WHERE ended_at IS NOT NULL;
`;

// v4, the same tables read another way: a row of `events` may hold a stretch of a run's events
// (type 'events'), and a stage's latest attempt is its `stages` row (attempt rows hold the ones a
// later attempt replaced). A wf that knows only v3 would show such a store wrongly (no events, no
// attempts): the version makes it stop and say so instead.
const V4: Migration = () => {};

/** Append a step to add schema version N+1; never edit a step that has shipped. */
export const MIGRATIONS: readonly Migration[] = [V1, V2, V3, V4];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Reads the schema version (SQLite `user_version`; 0 for a database nothing has written). */
export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Fails if the database was written by a newer `wf` than this one. */
export function assertKnownVersion(db: Database, file: string, known = SCHEMA_VERSION): number {
  const version = schemaVersion(db);
  if (version > known) {
    throw new WfError('E_STORE', `state store ${file} has schema version ${version}; this wf knows up to ${known}`, {
      hint: 'upgrade wf, or point --state at another directory',
    });
  }
  return version;
}

/** Brings the schema up to date (steps default to MIGRATIONS), all missing steps in one write transaction. */
export function migrate(db: Database, file: string, steps: readonly Migration[] = MIGRATIONS): void {
  if (assertKnownVersion(db, file, steps.length) === steps.length) return;
  db.transaction(() => {
    // Read again under the write lock: another process may have migrated meanwhile.
    for (let v = assertKnownVersion(db, file, steps.length); v < steps.length; v++) {
      const step = steps[v];
      if (typeof step === 'string') db.exec(step);
      else step(db);
      db.pragma(`user_version = ${v + 1}`);
    }
  }).immediate();
}
