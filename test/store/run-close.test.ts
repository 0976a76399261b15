import { afterEach, describe, expect, it } from 'vitest';
import { WfError } from '../../src/errors/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { attempt, job, proc, run, stage, storedProcesses, tmpDir } from './helpers.js';

let store: Store;
afterEach(() => store?.close());

const DONE = '2025-01-01T00:00:30.000Z';
const END = '2025-01-01T00:09:00.000Z';
const owner = { host: 'h1', pid: 77, start: 'boot:77' };

describe('run-close', () => {
  it('ends the run and sweeps its pending and running jobs, stages and attempts, and forgets its processes', () => {
    const dir = tmpDir();
    store = openStore(dir);
    const r1 = run({ id: 'r1', pid: 77, owner, heartbeatAt: DONE });
    store.apply([
      { op: 'run', run: r1 },
      { op: 'job', job: job({ key: 'a' }) },
      { op: 'job', job: job({ key: 'b', status: 'pending', startedAt: null }) },
      { op: 'job', job: job({ key: 'c', status: 'success', endedAt: DONE }) },
      { op: 'job', job: job({ key: 'd', status: 'failed', endedAt: DONE }) },
      { op: 'stage', stage: stage({ jobKey: 'a', path: '0', status: 'success', endedAt: DONE }) },
      { op: 'stage', stage: stage({ jobKey: 'a', path: '1' }) },
      { op: 'stage', stage: stage({ jobKey: 'b', path: '0', status: 'pending', startedAt: null }) },
      { op: 'attempt', attempt: attempt({ jobKey: 'a', attempt: 1, status: 'failed', endedAt: DONE }) },
      { op: 'attempt', attempt: attempt({ jobKey: 'a', attempt: 2 }) },
      { op: 'attempt', attempt: attempt({ jobKey: 'a', stagePath: '1' }) },
      { op: 'attempt', attempt: attempt({ jobKey: 'b', status: 'pending', startedAt: null }) },
      { op: 'proc', proc: proc({ runId: 'r1', pid: 5001 }) },
      { op: 'proc', proc: proc({ runId: 'r1', pid: 5002 }) },
      // Another run, still going: nothing of it changes.
      { op: 'run', run: run({ id: 'r2', pid: 78 }) },
      { op: 'job', job: job({ runId: 'r2', key: 'a' }) },
      { op: 'attempt', attempt: attempt({ runId: 'r2', jobKey: 'a' }) },
      { op: 'proc', proc: proc({ runId: 'r2', pid: 6001 }) },
    ]);

    const error = { name: 'WfError' as const, code: 'E_TIMEOUT' as const, message: 'run timed out after 10m' };
    store.apply([{ op: 'run-close', id: 'r1', status: 'failed', nodeStatus: 'cancelled', endedAt: END, error }]);

    expect(store.getRun('r1')).toEqual({ ...r1, status: 'failed', endedAt: END, error, pid: null, owner: null });
    expect(store.getJobs('r1').map((j) => [j.key, j.status, j.endedAt])).toEqual([
      ['a', 'cancelled', END],
      ['b', 'cancelled', END],
      ['c', 'success', DONE],
      ['d', 'failed', DONE],
    ]);
    expect(store.getStages('r1').map((s) => [s.jobKey, s.path, s.status, s.endedAt])).toEqual([
      ['a', '0', 'success', DONE],
      ['a', '1', 'cancelled', END],
      ['b', '0', 'cancelled', END],
    ]);
    expect(store.getAttempts('r1').map((a) => [a.jobKey, a.stagePath, a.attempt, a.status, a.endedAt])).toEqual([
      ['a', '', 1, 'failed', DONE],
      ['a', '', 2, 'cancelled', END],
      ['a', '0', 1, 'success', DONE], // a stage's latest attempt is its own row
      ['a', '1', 1, 'cancelled', END],
      ['b', '', 1, 'cancelled', END],
      ['b', '0', 1, 'cancelled', END],
    ]);
    expect(storedProcesses(dir)).toEqual([{ run_id: 'r2', pid: 6001 }]);
    expect(store.getRun('r2')).toEqual(run({ id: 'r2', pid: 78 }));
    expect(store.getJobs('r2')[0]!.status).toBe('running');
    expect(store.getAttempts('r2')[0]!.status).toBe('running');
  });

  it('gives the nodes their own status and keeps the run error when the op carries none', () => {
    store = openStore(tmpDir());
    const error = { name: 'WfError' as const, code: 'E_STAGE' as const, message: 'exit 1' };
    store.apply([
      { op: 'run', run: run({ owner }) },
      { op: 'job', job: job({ key: 'a', status: 'pending', startedAt: null }) },
      { op: 'run-update', id: 'r1', patch: { error } },
    ]);
    store.apply([{ op: 'run-close', id: 'r1', status: 'failed', nodeStatus: 'upstream_failed', endedAt: END }]);
    expect(store.getRun('r1')).toMatchObject({ status: 'failed', endedAt: END, error, owner: null });
    expect(store.getJobs('r1')[0]).toMatchObject({ status: 'upstream_failed', endedAt: END });
  });

  it('fails its batch for a run that is not in the store', () => {
    store = openStore(tmpDir());
    store.apply([{ op: 'run', run: run() }, { op: 'job', job: job() }]);
    expect(() =>
      store.apply([
        { op: 'job', job: job({ status: 'success', endedAt: END }) },
        { op: 'run-close', id: 'missing', status: 'cancelled', nodeStatus: 'cancelled', endedAt: END },
      ]),
    ).toThrow(WfError);
    expect(store.getJobs('r1')[0]!.status).toBe('running');
  });
});
