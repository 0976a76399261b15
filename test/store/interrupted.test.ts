import { afterEach, describe, expect, it } from 'vitest';
import { openStore, pidIsAlive, type Store } from '../../src/store/index.js';
import { job, run, stage, tmpDir } from './helpers.js';

let store: Store;
afterEach(() => store?.close());

const NOW = new Date('2025-02-01T12:00:00.000Z');

describe('markInterrupted', () => {
  it('marks running runs whose pid is dead or missing, with their running jobs and stages', () => {
    store = openStore(tmpDir(), { now: () => NOW });
    store.apply([
      { op: 'run', run: run({ id: 'dead', pid: 111 }) },
      { op: 'run', run: run({ id: 'alive', pid: 222 }) },
      { op: 'run', run: run({ id: 'nopid', pid: null }) },
      { op: 'run', run: run({ id: 'done', pid: 111, status: 'success', endedAt: '2025-01-01T00:10:00.000Z' }) },
      { op: 'job', job: job({ runId: 'dead', key: 'a' }) },
      { op: 'job', job: job({ runId: 'dead', key: 'b', status: 'success', endedAt: '2025-01-01T00:09:00.000Z' }) },
      { op: 'job', job: job({ runId: 'dead', key: 'c', status: 'pending', startedAt: null }) },
      { op: 'stage', stage: stage({ runId: 'dead', jobKey: 'a', path: '0', status: 'success', endedAt: '2025-01-01T00:08:00.000Z' }) },
      { op: 'stage', stage: stage({ runId: 'dead', jobKey: 'a', path: '1' }) },
      { op: 'job', job: job({ runId: 'alive', key: 'a' }) },
    ]);
    const asked: string[] = [];
    const marked = store.markInterrupted((r) => {
      asked.push(r.id);
      return r.pid === 222;
    }).ids;

    expect(marked.sort()).toEqual(['dead', 'nopid']);
    expect(asked.sort()).toEqual(['alive', 'dead', 'nopid']);
    expect(store.getRun('dead')).toMatchObject({ status: 'interrupted', endedAt: NOW.toISOString() });
    expect(store.getRun('nopid')?.status).toBe('interrupted');
    expect(store.getRun('alive')).toMatchObject({ status: 'running', endedAt: null });
    expect(store.getRun('done')).toMatchObject({ status: 'success', endedAt: '2025-01-01T00:10:00.000Z' });
    expect(store.getJobs('dead').map((j) => [j.key, j.status, j.endedAt])).toEqual([
      ['a', 'interrupted', NOW.toISOString()],
      ['b', 'success', '2025-01-01T00:09:00.000Z'],
      ['c', 'pending', null],
    ]);
    expect(store.getStages('dead').map((s) => [s.path, s.status, s.endedAt])).toEqual([
      ['0', 'success', '2025-01-01T00:08:00.000Z'],
      ['1', 'interrupted', NOW.toISOString()],
    ]);
    expect(store.getJobs('alive')[0].status).toBe('running');
  });

  it('marks nothing the second time', () => {
    store = openStore(tmpDir());
    store.apply([{ op: 'run', run: run({ pid: null }) }]);
    expect(store.markInterrupted(() => false).ids).toEqual(['r1']);
    expect(store.markInterrupted(() => false).ids).toEqual([]);
  });

  it('by default treats this process as alive and an exited process as dead', async () => {
    const { spawnSync } = await import('node:child_process');
    const exited = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
    const deadPid = Number(exited.stdout.trim());
    expect(pidIsAlive(process.pid)).toBe(true);
    expect(pidIsAlive(deadPid)).toBe(false);
    expect(pidIsAlive(0)).toBe(false);

    store = openStore(tmpDir());
    store.apply([
      { op: 'run', run: run({ id: 'mine', pid: process.pid }) },
      { op: 'run', run: run({ id: 'gone', pid: deadPid }) },
    ]);
    expect(store.markInterrupted().ids).toEqual(['gone']);
    expect(store.getRun('mine')?.status).toBe('running');
  });
});
