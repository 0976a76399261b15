import { copyFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { WfError, type SerializedWfError } from '../../src/errors/index.js';
import { newRunId, openStore, SCHEMA_VERSION, STORE_FILE, type Store } from '../../src/store/index.js';
import { REPO } from '../helpers/paths.js';
import { attempt, event, job, log, run, tmpDir } from './helpers.js';

// A real store written by the first release (schema v1): a hello-world run and a failed `fails`
// run whose job b wrote "oops" on stderr. Tests work on a copy; the fixture is never opened.
const V1 = path.join(REPO, 'test', 'fixtures', 'store', 'v1.db');
const HELLO = 'mwuphgr2k5ty';
const FAILS = 'mwuphgzap4fw';
const STAGE_ERROR: SerializedWfError = { name: 'WfError', code: 'E_STAGE', message: 'script exited with code 3', loc: { file: 'conf/fail.yml', line: 14, col: 11, length: 28 } };

let store: Store | undefined;
afterEach(() => store?.close());

/** A state dir holding a copy of the v1 fixture as its wf.db. */
function v1Copy(): string {
  const dir = tmpDir();
  copyFileSync(V1, path.join(dir, STORE_FILE));
  return dir;
}

function rawRead<T>(dir: string, read: (db: Database.Database) => T): T {
  const db = new Database(path.join(dir, STORE_FILE), { readonly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

const tables = (db: Database.Database) => db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).pluck().all();

describe('a v1 store from the first release', () => {
  it('is refused by a readonly open with the upgrade hint, and left as it was', () => {
    const dir = v1Copy();
    let err: unknown;
    try {
      openStore(dir, { readonly: true });
    } catch (error) {
      err = error;
    }
    expect(err).toBeInstanceOf(WfError);
    expect((err as WfError).code).toBe('E_STORE');
    expect((err as WfError).hint).toMatch(/wf command that writes/);
    rawRead(dir, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(1);
      expect(tables(db)).toContain('logs');
    });
  });

  it('upgrades in place to the current schema (v4) on a writable open', () => {
    const dir = v1Copy();
    openStore(dir).close();
    rawRead(dir, (db) => {
      expect(SCHEMA_VERSION).toBe(4);
      expect(db.pragma('user_version', { simple: true })).toBe(4);
      expect(tables(db)).toEqual(expect.arrayContaining(['attempts', 'events', 'jobs', 'processes', 'releases', 'runs', 'stages']));
      expect(tables(db)).not.toContain('logs');
    });
    // Upgraded, it opens readonly like any current store.
    store = openStore(dir, { readonly: true });
    expect(store.listRuns().map((r) => r.id).sort()).toEqual([HELLO, FAILS]);
  });

  it('keeps both runs with every field, and the v2 fields empty', () => {
    store = openStore(v1Copy());
    expect(store.getRun(HELLO)).toEqual(
      run({
        id: HELLO, pipeline: 'hello-world', status: 'success', params: { name: 'World' },
        startedAt: '2026-11-24T13:03:55.406Z', endedAt: '2026-11-24T13:03:55.430Z',
      }),
    );
    expect(store.getRun(FAILS)).toEqual(
      run({
        id: FAILS, pipeline: 'fails', status: 'failed', params: { token: '***' }, error: STAGE_ERROR,
        startedAt: '2026-11-24T13:03:55.703Z', endedAt: '2026-11-24T13:03:55.787Z',
      }),
    );
    // v1 ids (12 chars) still resolve by prefix.
    expect(store.getRun('mwuphgz')?.id).toBe(FAILS);
  });

  it('keeps their jobs and stages, each at attempt 1', () => {
    store = openStore(v1Copy());
    expect(store.getJobs(HELLO).map((j) => [j.key, j.status, j.outputs, j.attempt])).toEqual([
      ['greet', 'success', { greeting: 'hello World' }, 1],
    ]);
    expect(store.getJobs(FAILS)).toEqual([
      job({ runId: FAILS, key: 'a', jobId: 'a', status: 'success', startedAt: '2026-11-24T13:03:55.706Z', endedAt: '2026-11-24T13:03:55.730Z', outputs: { x: '1' } }),
      job({ runId: FAILS, key: 'b', jobId: 'b', status: 'failed', startedAt: '2026-11-24T13:03:55.730Z', endedAt: '2026-11-24T13:03:55.787Z', outputs: {}, error: STAGE_ERROR }),
    ]);
    expect(store.getStages(HELLO).map((s) => [s.jobKey, s.path, s.stageId, s.kind, s.status, s.attempt])).toEqual([
      ['greet', '0', null, 'echo', 'success', 1],
      ['greet', '1', 'shout', 'run', 'success', 1],
    ]);
    expect(store.getStages(FAILS).map((s) => [s.jobKey, s.path, s.status, s.outputs, s.attempt])).toEqual([
      ['a', '0', 'success', { exit_code: 0, stdout: 'hi', x: '1' }, 1],
      ['b', '0', 'failed', { exit_code: 3, stdout: '' }, 1],
    ]);
    expect(store.getStages(FAILS)[1]!.error).toEqual(STAGE_ERROR);
    // v1 kept no attempt rows: each ended stage's row is its one attempt.
    expect(store.getAttempts(FAILS).map((a) => [a.jobKey, a.stagePath, a.attempt, a.status, a.outputs])).toEqual([
      ['a', '0', 1, 'success', { exit_code: 0, stdout: 'hi', x: '1' }],
      ['b', '0', 1, 'failed', { exit_code: 3, stdout: '' }],
    ]);
  });

  it('keeps the log lines, in their old order, as log events', () => {
    store = openStore(v1Copy());
    expect(store.getLogs(FAILS)).toEqual([
      log({ runId: FAILS, jobKey: 'a', stagePath: '0', ts: '2026-11-24T13:03:55.726Z', stream: 'stdout', text: 'hi' }),
      log({ runId: FAILS, jobKey: 'b', stagePath: '0', ts: '2026-11-24T13:03:55.786Z', stream: 'stderr', text: 'oops' }),
    ]);
    expect(store.getLogs(FAILS, { jobKey: 'b' }).map((l) => [l.stream, l.text])).toEqual([['stderr', 'oops']]);
    expect(store.getLogs(HELLO).map((l) => [l.stagePath, l.stream, l.text])).toEqual([
      ['0', 'log', 'Hello, World!'],
      ['1', 'stdout', 'HELLO, WORLD!'],
    ]);
    const events = [...store.getEvents(HELLO), ...store.getEvents(FAILS)];
    expect(events.map((e) => [e.type, e.text, e.data])).toEqual([
      ['log', 'Hello, World!', null],
      ['log', 'HELLO, WORLD!', null],
      ['log', 'hi', null],
      ['log', 'oops', null],
    ]);
    const seqs = events.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(4);
  });

  it('takes v2 writes afterwards: new runs, attempts, events, and a retry of an old run', () => {
    const dir = v1Copy();
    store = openStore(dir);
    const lastOldSeq = Math.max(...store.getEvents(FAILS).map((e) => e.seq));

    const id = newRunId();
    expect(store.createRun(run({ id, pipeline: 'fails' }), { scheduleKey: 'hourly', instant: '2026-11-24T14:00:00.000Z' })).toBe(true);
    // The failed v1 run is taken over by a retry: attempt 2 of job b.
    expect(store.transitionRun(FAILS, ['failed'], { status: 'running', attempt: 2, endedAt: null, error: null })).toBe(true);
    store.apply([
      { op: 'attempt', attempt: attempt({ runId: id, jobKey: 'a' }) },
      { op: 'event', event: event({ runId: id, type: 'job-start', jobKey: 'a', stagePath: null, data: { attempt: 1 } }) },
      { op: 'log', log: log({ runId: id, jobKey: 'a', text: 'new line' }) },
      { op: 'job', job: job({ runId: FAILS, key: 'b', jobId: 'b', status: 'running', attempt: 2 }) },
      { op: 'attempt', attempt: attempt({ runId: FAILS, jobKey: 'b', attempt: 2 }) },
    ]);
    store.close();

    store = openStore(dir);
    expect(store.getRun(id)?.pipeline).toBe('fails');
    expect(store.listReleases('fails').map((r) => r.runId)).toEqual([id]);
    expect(store.getAttempts(id)).toEqual([attempt({ runId: id, jobKey: 'a' })]);
    const events = store.getEvents(id);
    expect(events.map((e) => [e.type, e.text, e.data])).toEqual([['job-start', null, { attempt: 1 }], ['log', 'new line', null]]);
    expect(events[0]!.seq).toBeGreaterThan(lastOldSeq); // the sequence goes on after the migrated lines
    expect(store.getRun(FAILS)).toMatchObject({ status: 'running', attempt: 2, error: null, endedAt: null });
    expect(store.getJobs(FAILS).map((j) => [j.key, j.status, j.attempt])).toEqual([['a', 'success', 1], ['b', 'running', 2]]);
    expect(store.getAttempts(FAILS).map((a) => [a.jobKey, a.stagePath, a.attempt, a.status])).toEqual([['a', '0', 1, 'success'], ['b', '', 2, 'running'], ['b', '0', 1, 'failed']]);
    expect(store.getLogs(FAILS).map((l) => l.text)).toEqual(['hi', 'oops']);
  });
});
