import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore, SCHEMA_VERSION, STORE_FILE } from '../../src/store/index.js';
import { REPO } from '../helpers/paths.js';
import { run, tmpDir } from './helpers.js';

// A real store written by the first release (schema v1): a hello-world run and a failed `fails`
// run whose job b wrote "oops" on stderr.
const V1 = path.join(REPO, 'test', 'fixtures', 'store', 'v1.db');

describe('a v1 store from the first release', () => {
  it('upgrades in place to v2 and keeps its runs, jobs, stages and log lines', () => {
    const dir = tmpDir();
    copyFileSync(V1, path.join(dir, STORE_FILE));
    const ro = () => openStore(dir, { readonly: true });
    expect(() => ro()).toThrow(/schema version 1, older than 2/);
    const store = openStore(dir);
    try {
      expect(SCHEMA_VERSION).toBe(2);
      const runs = store.listRuns({ limit: 10 });
      expect(runs.map((r) => [r.pipeline, r.status]).sort()).toEqual([['fails', 'failed'], ['hello-world', 'success']]);
      const fails = runs.find((r) => r.pipeline === 'fails')!;
      expect(store.getJobs(fails.id).map((j) => [j.key, j.status, j.attempt])).toEqual([['a', 'success', 1], ['b', 'failed', 1]]);
      expect(store.getJobs(fails.id)[0]!.outputs).toEqual({ x: '1' });
      expect(store.getStages(fails.id).length).toBe(2);
      expect(store.getLogs(fails.id).map((l) => [l.jobKey, l.stream, l.text])).toEqual(expect.arrayContaining([['b', 'stderr', 'oops']]));
      // Log lines are now events, in their old order.
      expect(store.getEvents(fails.id).filter((e) => e.type === 'log').map((e) => e.text)).toEqual(store.getLogs(fails.id).map((l) => l.text));
      // And the store takes v2 writes.
      expect(store.createRun(run({ id: 'new1', pipeline: 'fails' }), { scheduleKey: 'k', instant: '2025-01-01T00:00:00.000Z' })).toBe(true);
      store.apply([{ op: 'attempt', attempt: { runId: 'new1', jobKey: 'a', stagePath: '', attempt: 1, status: 'success', startedAt: null, endedAt: null, outputs: null, error: null } }]);
      expect(store.getAttempts('new1')).toHaveLength(1);
    } finally {
      store.close();
    }
  });
});

describe('v2 operations', () => {
  it('claims a release once, in the transaction that creates its run', () => {
    const store = openStore(tmpDir());
    try {
      const claim = { scheduleKey: 'daily', instant: '2025-01-01T02:00:00.000Z' };
      expect(store.createRun(run({ id: 'a' }), claim)).toBe(true);
      expect(store.createRun(run({ id: 'b' }), claim)).toBe(false);
      expect(store.getRun('b')).toBeUndefined();
      expect(store.listReleases().map((r) => r.runId)).toEqual(['a']);
      // A plain insert: the same id twice fails and writes nothing of its batch.
      expect(() => store.apply([{ op: 'run-create', run: run({ id: 'c' }) }, { op: 'run-create', run: run({ id: 'c' }) }])).toThrow();
      expect(store.getRun('c')).toBeUndefined();
    } finally {
      store.close();
    }
  });

  it('moves a run only from the given statuses; records a cancel request only for a running run', () => {
    const store = openStore(tmpDir());
    try {
      store.apply([{ op: 'run', run: run({ id: 'f', status: 'failed' }) }, { op: 'run', run: run({ id: 's', status: 'success' }) }]);
      expect(store.transitionRun('f', ['failed'], { status: 'running', attempt: 2 })).toBe(true);
      expect(store.transitionRun('f', ['failed'], { status: 'running' })).toBe(false);
      expect(store.getRun('f')).toMatchObject({ status: 'running', attempt: 2 });
      expect(store.requestCancel('f')?.cancelRequestedAt).not.toBeNull();
      expect(store.requestCancel('s')?.cancelRequestedAt).toBeNull();
    } finally {
      store.close();
    }
  });

  it('run-close sweeps every pending or running job, stage and attempt of the run', () => {
    const store = openStore(tmpDir());
    try {
      store.apply([
        { op: 'run', run: run({ id: 'r1' }) },
        { op: 'job', job: { runId: 'r1', key: 'a', jobId: 'a', matrix: null, status: 'running', startedAt: null, endedAt: null, outputs: null, error: null } },
        { op: 'stage', stage: { runId: 'r1', jobKey: 'a', path: '0', stageId: null, name: 's', kind: 'run', status: 'running', startedAt: null, endedAt: null, outputs: null, error: null } },
        { op: 'attempt', attempt: { runId: 'r1', jobKey: 'a', stagePath: '0', attempt: 1, status: 'running', startedAt: null, endedAt: null, outputs: null, error: null } },
        { op: 'run-close', id: 'r1', status: 'cancelled', nodeStatus: 'cancelled', endedAt: '2025-01-01T00:00:09.000Z' },
      ]);
      expect(store.getRun('r1')).toMatchObject({ status: 'cancelled', endedAt: '2025-01-01T00:00:09.000Z', owner: null });
      expect(store.getJobs('r1')[0]!.status).toBe('cancelled');
      expect(store.getStages('r1')[0]!.status).toBe('cancelled');
      expect(store.getAttempts('r1')[0]!.status).toBe('cancelled');
    } finally {
      store.close();
    }
  });

  it('marks a run interrupted when its pid was reused by another process, or its other-host heartbeat is stale', () => {
    const store = openStore(tmpDir(), { now: () => new Date('2025-01-01T01:00:00.000Z') });
    try {
      store.apply([
        { op: 'run', run: run({ id: 'fresh', owner: { host: 'elsewhere', pid: 1, start: null }, heartbeatAt: '2025-01-01T00:59:30.000Z' }) },
        { op: 'run', run: run({ id: 'stale', owner: { host: 'elsewhere', pid: 1, start: null }, heartbeatAt: '2025-01-01T00:50:00.000Z' }) },
        { op: 'proc', proc: { runId: 'stale', jobKey: 'a', stagePath: '0', pid: 4242, start: 'x', host: 'elsewhere' } },
      ]);
      const { ids, orphans } = store.markInterrupted();
      expect(ids).toEqual(['stale']);
      expect(orphans.map((o) => o.pid)).toEqual([4242]);
      expect(store.getEvents('stale').map((e) => e.type)).toEqual(['run-end']);
      expect(store.markInterrupted().orphans).toEqual([]);
    } finally {
      store.close();
    }
  });
});
