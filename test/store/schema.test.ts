import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, SCHEMA_VERSION, migrate, schemaVersion } from '../../src/store/schema.js';
import { STORE_FILE, openStore } from '../../src/store/index.js';
import { run, tmpDir } from './helpers.js';

const dbs: Database.Database[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});

function rawDb(file: string): Database.Database {
  const db = new Database(file);
  dbs.push(db);
  return db;
}

const NEXT = 'ALTER TABLE runs ADD COLUMN note TEXT';

describe('schema migrations', () => {
  it('is at version 4 today (v2: the durable run; v3: the scheduler; v4: events sharing rows, latest attempts in stage rows)', () => {
    expect(SCHEMA_VERSION).toBe(4);
    expect(MIGRATIONS).toHaveLength(4);
  });

  it('upgrades a store by appending a step, keeping its data', () => {
    const dir = tmpDir();
    const store = openStore(dir);
    store.apply([{ op: 'run', run: run() }]);
    store.close();

    const db = rawDb(path.join(dir, STORE_FILE));
    migrate(db, STORE_FILE, [...MIGRATIONS, NEXT]);
    expect(schemaVersion(db)).toBe(5);
    expect(db.prepare('SELECT id, note FROM runs').all()).toEqual([{ id: 'r1', note: null }]);
    migrate(db, STORE_FILE, [...MIGRATIONS, NEXT]); // already there: no-op, no "duplicate column"
    expect(schemaVersion(db)).toBe(5);
  });

  it('runs every step on a fresh database, functions included', () => {
    const db = rawDb(path.join(tmpDir(), 'fresh.db'));
    migrate(db, 'fresh.db', [...MIGRATIONS, NEXT, (d) => d.exec(`INSERT INTO releases (pipeline, schedule_key, instant, run_id, created_at) VALUES ('p', 's', 'i', NULL, 'now')`)]);
    expect(schemaVersion(db)).toBe(6);
    expect(db.prepare('SELECT count(*) FROM releases').pluck().get()).toBe(1);
  });

  it('rolls a failing step back, leaving the version and schema as they were', () => {
    const dir = tmpDir();
    openStore(dir).close();
    const db = rawDb(path.join(dir, STORE_FILE));
    expect(() => migrate(db, STORE_FILE, [...MIGRATIONS, 'CREATE TABLE extra (a TEXT); NOT SQL'])).toThrow();
    expect(schemaVersion(db)).toBe(4);
    expect(db.prepare(`SELECT count(*) FROM sqlite_master WHERE name = 'extra'`).pluck().get()).toBe(0);
  });
});
