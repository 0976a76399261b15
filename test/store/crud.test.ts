import { afterEach, describe, expect, it } from 'vitest';
import { WfError } from '../../src/errors/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { job, log, run, stage, tmpDir } from './helpers.js';

let store: Store;
afterEach(() => store?.close());

describe('store round trips', () => {
  it('writes and reads back a run, its jobs, stages and logs with JSON fields intact', () => {
    store = openStore(tmpDir());
    const error = { name: 'WfError' as const, code: 'E_STAGE' as const, message: 'exit 2', hint: 'see logs' };
    const r = run({ release: '2025-01-01T00:00:00Z', parentRunId: 'r0', pid: 4242, trigger: 'retry', attempt: 2 });
    const j = job({ key: 'extract (orders)', matrix: { table: 'orders' }, outputs: { rows: 10, ok: true } });
    const s = stage({ jobKey: 'extract (orders)', stageId: 'dl', outputs: { files: ['a', 'b'] }, error });
    const l = log({ jobKey: 'extract (orders)', text: 'line ✓ with "quotes"' });
    store.apply([{ op: 'run', run: r }, { op: 'job', job: j }, { op: 'stage', stage: s }, { op: 'log', log: l }]);

    expect(store.getRun('r1')).toEqual(r);
    expect(store.getJobs('r1')).toEqual([j]);
    expect(store.getStages('r1')).toEqual([s]);
    expect(store.getLogs('r1')).toEqual([l]);
  });

  it('keeps what was written after the store is closed and reopened', () => {
    const dir = tmpDir();
    store = openStore(dir);
    store.apply([{ op: 'run', run: run() }, { op: 'job', job: job() }]);
    store.close();
    store = openStore(dir);
    expect(store.getRun('r1')?.pipeline).toBe('etl');
    expect(store.getJobs('r1')).toHaveLength(1);
  });

  it('returns nothing for an unknown run', () => {
    store = openStore(tmpDir());
    expect(store.getRun('nope')).toBeUndefined();
    expect(store.getJobs('nope')).toEqual([]);
    expect(store.getStages('nope')).toEqual([]);
    expect(store.getLogs('nope')).toEqual([]);
  });

  it('accepts an empty batch', () => {
    store = openStore(tmpDir());
    store.apply([]);
    expect(store.listRuns()).toEqual([]);
  });
});

describe('upserts', () => {
  it('replaces a job and a stage with their later state, keeping one row each', () => {
    store = openStore(tmpDir());
    store.apply([{ op: 'run', run: run() }, { op: 'job', job: job() }, { op: 'stage', stage: stage() }]);
    const doneJob = job({ status: 'success', endedAt: '2025-01-01T00:01:00.000Z', outputs: { n: 1 } });
    const doneStage = stage({ status: 'failed', endedAt: '2025-01-01T00:00:30.000Z', outputs: { x: 'y' } });
    store.apply([{ op: 'job', job: doneJob }, { op: 'stage', stage: doneStage }]);
    expect(store.getJobs('r1')).toEqual([doneJob]);
    expect(store.getStages('r1')).toEqual([doneStage]);
  });

  it('replaces a whole run record and keeps its children', () => {
    store = openStore(tmpDir());
    store.apply([{ op: 'run', run: run() }, { op: 'job', job: job() }]);
    const again = run({ status: 'success', params: { other: 1 }, endedAt: '2025-01-01T01:00:00.000Z' });
    store.apply([{ op: 'run', run: again }]);
    expect(store.getRun('r1')).toEqual(again);
    expect(store.getJobs('r1')).toHaveLength(1);
  });

  it('run-update patches only the given fields, null included, undefined ignored', () => {
    store = openStore(tmpDir());
    store.apply([{ op: 'run', run: run({ pid: 99, release: 'rel' }) }]);
    const error = { name: 'WfError' as const, code: 'E_STAGE' as const, message: 'boom' };
    store.apply([
      { op: 'run-update', id: 'r1', patch: { status: 'failed', endedAt: '2025-01-01T00:05:00.000Z', error, pid: null } },
      { op: 'run-update', id: 'r1', patch: { params: { day: 'x' }, release: undefined } },
    ]);
    expect(store.getRun('r1')).toEqual(
      run({ status: 'failed', endedAt: '2025-01-01T00:05:00.000Z', error, pid: null, params: { day: 'x' }, release: 'rel' }),
    );
  });

  it('rolls the whole batch back when one op fails', () => {
    store = openStore(tmpDir());
    expect(() =>
      store.apply([
        { op: 'run', run: run({ id: 'good' }) },
        { op: 'stage', stage: stage({ runId: 'good' }) },
        { op: 'run-update', id: 'missing', patch: { status: 'success' } },
      ]),
    ).toThrow(WfError);
    expect(store.getRun('good')).toBeUndefined();
    expect(store.getStages('good')).toEqual([]);
  });

  it('rejects rows of a run that does not exist with E_STORE, checked at commit', () => {
    store = openStore(tmpDir());
    const err = catchError(() => store.apply([{ op: 'stage', stage: stage({ runId: 'ghost' }) }]));
    expect(err).toBeInstanceOf(WfError);
    expect((err as WfError).code).toBe('E_STORE');
    // A child written before its run in the same batch is fine.
    store.apply([{ op: 'stage', stage: stage() }, { op: 'run', run: run() }]);
    expect(store.getStages('r1')).toHaveLength(1);
  });
});

describe('ordering and filters', () => {
  it('orders stages by job (first written first) then by numeric path, nested after parent', () => {
    store = openStore(tmpDir());
    const paths = ['10', '2', '2.1', '2.0', '1', '2.0.1'];
    store.apply([
      { op: 'run', run: run() },
      { op: 'stage', stage: stage({ jobKey: 'b', path: '1' }) },
      ...paths.map((p) => ({ op: 'stage' as const, stage: stage({ jobKey: 'a', path: p }) })),
      { op: 'stage', stage: stage({ jobKey: 'b', path: '0' }) },
    ]);
    expect(store.getStages('r1').map((s) => `${s.jobKey}:${s.path}`)).toEqual([
      'b:0', 'b:1', 'a:1', 'a:2', 'a:2.0', 'a:2.0.1', 'a:2.1', 'a:10',
    ]);
  });

  it('returns logs in write order, filtered by job and by stage (with nested stages)', () => {
    store = openStore(tmpDir());
    const lines = [
      log({ jobKey: null, stagePath: null, stream: 'system', text: 'run start' }),
      log({ jobKey: 'a', stagePath: '2', text: 'a2' }),
      log({ jobKey: 'b', stagePath: '2', text: 'b2' }),
      log({ jobKey: 'a', stagePath: '2.0', text: 'a2.0' }),
      log({ jobKey: 'a', stagePath: '20', text: 'a20' }),
      log({ jobKey: 'a', stagePath: '1', stream: 'stderr', text: 'a1' }),
    ];
    store.apply([{ op: 'run', run: run() }, ...lines.map((l) => ({ op: 'log' as const, log: l }))]);
    expect(store.getLogs('r1').map((l) => l.text)).toEqual(['run start', 'a2', 'b2', 'a2.0', 'a20', 'a1']);
    expect(store.getLogs('r1', { jobKey: 'a' }).map((l) => l.text)).toEqual(['a2', 'a2.0', 'a20', 'a1']);
    expect(store.getLogs('r1', { stagePath: '2' }).map((l) => l.text)).toEqual(['a2', 'b2', 'a2.0']);
    expect(store.getLogs('r1', { jobKey: 'a', stagePath: '2' }).map((l) => l.text)).toEqual(['a2', 'a2.0']);
    expect(store.getLogs('r1')[0]).toEqual(lines[0]);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}
