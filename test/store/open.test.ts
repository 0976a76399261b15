import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { WfError } from '../../src/errors/index.js';
import { SCHEMA_VERSION, STORE_FILE, openStore, type Store } from '../../src/store/index.js';
import { run, tmpDir } from './helpers.js';

const stores: Store[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

function open(dir: string, opts?: { readonly?: boolean }): Store {
  const store = openStore(dir, opts);
  stores.push(store);
  return store;
}

function storeErrorOf(fn: () => unknown): WfError {
  try {
    fn();
  } catch (error) {
    if (error instanceof WfError) return error;
    throw error;
  }
  throw new Error('expected a WfError');
}

describe('openStore', () => {
  it('creates the state directory (recursively) and wf.db with WAL and the current schema', () => {
    const dir = path.join(tmpDir(), 'deep', '.wf');
    open(dir).close();
    const db = new Database(path.join(dir, STORE_FILE), { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).pluck().all();
      expect(tables).toEqual(expect.arrayContaining(['attempts', 'events', 'jobs', 'processes', 'releases', 'runs', 'stages']));
      expect(tables).not.toContain('logs'); // log lines are events since schema v2
    } finally {
      db.close();
    }
  });

  it('reopens an existing store without migrating it again', () => {
    const dir = tmpDir();
    open(dir).apply([{ op: 'run', run: run() }]);
    expect(open(dir).listRuns()).toHaveLength(1);
  });

  it('a readonly open of a missing store creates nothing and reads as empty', () => {
    const parent = tmpDir();
    const dir = path.join(parent, '.wf');
    const store = open(dir, { readonly: true });
    expect(store.listRuns()).toEqual([]);
    expect(store.getRun('x')).toBeUndefined();
    expect(store.getLogs('x')).toEqual([]);
    expect(store.listReleases()).toEqual([]);
    expect(fs.existsSync(dir)).toBe(false);
    expect(fs.readdirSync(parent)).toEqual([]);
  });

  it('a readonly open of an existing dir without wf.db creates no file', () => {
    const dir = tmpDir();
    expect(open(dir, { readonly: true }).listRuns()).toEqual([]);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('a readonly store reads what a closed writer left', () => {
    const dir = tmpDir();
    const writer = openStore(dir);
    writer.apply([{ op: 'run', run: run() }]);
    writer.close();
    expect(open(dir, { readonly: true }).listRuns().map((r) => r.id)).toEqual(['r1']);
  });

  it('a readonly store reads what an open writer wrote and rejects writes with E_STORE', () => {
    const dir = tmpDir();
    open(dir).apply([{ op: 'run', run: run() }]);
    const ro = open(dir, { readonly: true });
    expect(ro.getRun('r1')?.pipeline).toBe('etl');
    expect(storeErrorOf(() => ro.apply([{ op: 'run', run: run({ id: 'r2' }) }])).code).toBe('E_STORE');
    expect(storeErrorOf(() => ro.markInterrupted(() => false)).code).toBe('E_STORE');
    expect(storeErrorOf(() => ro.recordRelease({ pipeline: 'p', scheduleKey: 's', instant: 'i', runId: null })).code).toBe('E_STORE');
    expect(ro.getRun('r2')).toBeUndefined();
    const empty = open(tmpDir(), { readonly: true });
    expect(storeErrorOf(() => empty.apply([])).code).toBe('E_STORE');
    expect(storeErrorOf(() => empty.markInterrupted()).code).toBe('E_STORE');
  });

  it('refuses a store written by a newer schema, readonly or not', () => {
    const dir = tmpDir();
    open(dir).close();
    const db = new Database(path.join(dir, STORE_FILE));
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    const err = storeErrorOf(() => open(dir));
    expect(err.code).toBe('E_STORE');
    expect(err.hint).toMatch(/upgrade wf/);
    expect(storeErrorOf(() => open(dir, { readonly: true })).code).toBe('E_STORE');
  });

  it('reports a file that is not a database as E_STORE with a hint', () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, STORE_FILE), 'this is not sqlite, just some text that is long enough '.repeat(20));
    const err = storeErrorOf(() => open(dir));
    expect(err.code).toBe('E_STORE');
    expect(err.hint).toMatch(/move it aside/);
  });

  it('a readonly open of an empty wf.db reads as empty', () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, STORE_FILE), '');
    expect(open(dir, { readonly: true }).listRuns()).toEqual([]);
  });

  it('close is idempotent', () => {
    const store = open(tmpDir());
    store.close();
    store.close();
  });
});
