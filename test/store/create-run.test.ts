import { afterEach, describe, expect, it } from 'vitest';
import { WfError } from '../../src/errors/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { attempt, job, log, run, tmpDir } from './helpers.js';

let store: Store;
afterEach(() => store?.close());

const NOW = new Date('2025-03-01T02:00:05.000Z');
const CLAIM = { scheduleKey: 'daily', instant: '2025-03-01T02:00:00.000Z' };

function storeCode(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof WfError) return error.code;
    throw error;
  }
  throw new Error('expected a WfError');
}

describe('createRun with a release claim', () => {
  it('writes the run and its release together; a second claim of the same instant writes nothing', () => {
    store = openStore(tmpDir(), { now: () => NOW });
    expect(store.createRun(run({ id: 'a', pipeline: 'etl' }), CLAIM)).toBe(true);
    expect(store.getRun('a')).toEqual(run({ id: 'a', pipeline: 'etl' }));
    expect(store.listReleases()).toEqual([{ pipeline: 'etl', ...CLAIM, runId: 'a', createdAt: NOW.toISOString(), status: 'released', reason: null }]);

    expect(store.createRun(run({ id: 'b', pipeline: 'etl' }), CLAIM)).toBe(false);
    expect(store.getRun('b')).toBeUndefined();
    expect(store.listRuns().map((r) => r.id)).toEqual(['a']);
    expect(store.listReleases().map((r) => r.runId)).toEqual(['a']);
  });

  it('claims per pipeline, schedule and instant', () => {
    store = openStore(tmpDir());
    expect(store.createRun(run({ id: 'a', pipeline: 'etl' }), CLAIM)).toBe(true);
    expect(store.createRun(run({ id: 'b', pipeline: 'other' }), CLAIM)).toBe(true);
    expect(store.createRun(run({ id: 'c', pipeline: 'etl' }), { ...CLAIM, scheduleKey: 'hourly' })).toBe(true);
    expect(store.createRun(run({ id: 'd', pipeline: 'etl' }), { ...CLAIM, instant: '2025-03-02T02:00:00.000Z' })).toBe(true);
    expect(store.listRuns().map((r) => r.id).sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('an instant recorded by recordRelease is claimed already', () => {
    store = openStore(tmpDir());
    expect(store.recordRelease({ pipeline: 'etl', ...CLAIM, runId: null })).toBe(true);
    expect(store.createRun(run({ id: 'a', pipeline: 'etl' }), CLAIM)).toBe(false);
    expect(store.getRun('a')).toBeUndefined();
  });

  it('fails on an id that exists, and then keeps neither the claim nor a changed run', () => {
    store = openStore(tmpDir());
    expect(store.createRun(run({ id: 'a', pipeline: 'etl' }))).toBe(true);
    expect(storeCode(() => store.createRun(run({ id: 'a', pipeline: 'etl', status: 'failed' }), CLAIM))).toBe('E_STORE');
    expect(store.getRun('a')).toEqual(run({ id: 'a', pipeline: 'etl' }));
    expect(store.listReleases()).toEqual([]);
    // The instant is still free for a run that can be created.
    expect(store.createRun(run({ id: 'b', pipeline: 'etl' }), CLAIM)).toBe(true);
  });
});

describe('run-create', () => {
  it('fails the whole batch on an id written twice in it', () => {
    store = openStore(tmpDir());
    expect(
      storeCode(() =>
        store.apply([
          { op: 'run-create', run: run({ id: 'c' }) },
          { op: 'job', job: job({ runId: 'c' }) },
          { op: 'log', log: log({ runId: 'c' }) },
          { op: 'attempt', attempt: attempt({ runId: 'c' }) },
          { op: 'run-create', run: run({ id: 'c', pipeline: 'other' }) },
        ]),
      ),
    ).toBe('E_STORE');
    expect(store.getRun('c')).toBeUndefined();
    expect(store.getJobs('c')).toEqual([]);
    expect(store.getLogs('c')).toEqual([]);
    expect(store.getEvents('c')).toEqual([]);
    expect(store.getAttempts('c')).toEqual([]);
  });

  it('never merges into a run already stored (unlike the `run` upsert)', () => {
    store = openStore(tmpDir());
    store.apply([{ op: 'run-create', run: run({ id: 'c' }) }, { op: 'job', job: job({ runId: 'c', key: 'a' }) }]);
    expect(
      storeCode(() => store.apply([{ op: 'job', job: job({ runId: 'c', key: 'b' }) }, { op: 'run-create', run: run({ id: 'c', pipeline: 'other' }) }])),
    ).toBe('E_STORE');
    expect(store.getRun('c')).toEqual(run({ id: 'c' }));
    expect(store.getJobs('c').map((j) => j.key)).toEqual(['a']);
    store.apply([{ op: 'run', run: run({ id: 'c', pipeline: 'other' }) }]);
    expect(store.getRun('c')?.pipeline).toBe('other');
  });
});

describe('transitionRun', () => {
  it('moves a run only from one of the given statuses', () => {
    store = openStore(tmpDir());
    const failed = run({ id: 'f', status: 'failed', endedAt: '2025-01-01T00:05:00.000Z', error: { name: 'WfError', code: 'E_STAGE', message: 'x' } });
    const done = run({ id: 's', status: 'success', endedAt: '2025-01-01T00:05:00.000Z' });
    store.apply([{ op: 'run', run: failed }, { op: 'run', run: done }]);
    const owner = { host: 'h1', pid: 7, start: 'boot:7' };

    expect(store.transitionRun('f', ['failed', 'interrupted'], { status: 'running', attempt: 2, endedAt: null, error: null, owner })).toBe(true);
    expect(store.getRun('f')).toEqual({ ...failed, status: 'running', attempt: 2, endedAt: null, error: null, owner });

    // Now running: a second retry from `failed` is refused and changes nothing.
    expect(store.transitionRun('f', ['failed'], { status: 'running', attempt: 3 })).toBe(false);
    expect(store.getRun('f')).toMatchObject({ status: 'running', attempt: 2, owner });

    expect(store.transitionRun('s', ['failed', 'cancelled', 'interrupted'], { status: 'running', attempt: 2 })).toBe(false);
    expect(store.getRun('s')).toEqual(done);
    expect(store.transitionRun('s', [], { status: 'running' })).toBe(false);
    expect(store.transitionRun('nope', ['failed'], { status: 'running' })).toBe(false);
    expect(store.getRun('nope')).toBeUndefined();
  });

  it('lets exactly one of two connections take over the same failed run', () => {
    const dir = tmpDir();
    store = openStore(dir);
    const other = openStore(dir);
    try {
      store.apply([{ op: 'run', run: run({ id: 'f', status: 'failed' }) }]);
      expect(store.transitionRun('f', ['failed'], { status: 'running', attempt: 2, pid: 1 })).toBe(true);
      expect(other.transitionRun('f', ['failed'], { status: 'running', attempt: 2, pid: 2 })).toBe(false);
      expect(other.getRun('f')).toMatchObject({ status: 'running', attempt: 2, pid: 1 });
    } finally {
      other.close();
    }
  });
});

describe('requestCancel', () => {
  it('stamps a running run once and leaves finished runs alone', () => {
    let now = NOW;
    store = openStore(tmpDir(), { now: () => now });
    store.apply([{ op: 'run', run: run({ id: 'r' }) }, { op: 'run', run: run({ id: 'done', status: 'success' }) }]);
    expect(store.requestCancel('r')).toEqual(run({ id: 'r', cancelRequestedAt: NOW.toISOString() }));
    now = new Date(NOW.getTime() + 60_000);
    expect(store.requestCancel('r')?.cancelRequestedAt).toBe(NOW.toISOString()); // the first request counts
    expect(store.requestCancel('done')).toEqual(run({ id: 'done', status: 'success' }));
    expect(store.requestCancel('nope')).toBeUndefined();
  });
});

describe('a readonly store', () => {
  it('rejects createRun, transitionRun and requestCancel with E_STORE and writes nothing', () => {
    const dir = tmpDir();
    const writer = openStore(dir);
    writer.apply([{ op: 'run', run: run({ id: 'f', status: 'failed' }) }]);
    writer.close();
    store = openStore(dir, { readonly: true });
    expect(storeCode(() => store.createRun(run({ id: 'x' }), CLAIM))).toBe('E_STORE');
    expect(storeCode(() => store.transitionRun('f', ['failed'], { status: 'running' }))).toBe('E_STORE');
    expect(storeCode(() => store.requestCancel('f'))).toBe('E_STORE');
    expect(store.getRun('x')).toBeUndefined();
    expect(store.getRun('f')).toEqual(run({ id: 'f', status: 'failed' }));
    expect(store.listReleases()).toEqual([]);
    const empty = openStore(tmpDir(), { readonly: true });
    expect(storeCode(() => empty.createRun(run()))).toBe('E_STORE');
    expect(storeCode(() => empty.transitionRun('f', ['failed'], {}))).toBe('E_STORE');
    expect(storeCode(() => empty.requestCancel('f'))).toBe('E_STORE');
  });
});
