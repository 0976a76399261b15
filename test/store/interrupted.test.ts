import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { currentOwner, openStore, pidIsAlive, processStart, STALE_HEARTBEAT_MS, type Store } from '../../src/store/index.js';
import { attempt, job, proc, run, stage, storedProcesses, tmpDir } from './helpers.js';

let store: Store;
afterEach(() => store?.close());

const NOW = new Date('2025-02-01T12:00:00.000Z');

describe('markInterrupted', () => {
  it('marks running runs whose pid is dead or missing, with their pending and running jobs and stages', () => {
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
      ['c', 'interrupted', NOW.toISOString()], // pending work of a dead run is interrupted too
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

describe('markInterrupted by owner identity', () => {
  const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();
  const elsewhere = { host: `not-${hostname()}`, pid: 4321, start: 'boot:1' };

  it.runIf(processStart(process.pid) !== null)('keeps a run of this process and interrupts one whose pid was reused by another process', () => {
    store = openStore(tmpDir(), { now: () => NOW });
    const me = currentOwner();
    store.apply([
      { op: 'run', run: run({ id: 'mine', pid: me.pid, owner: me }) },
      // Same host and pid, but the process that started it was another one (the pid was reused).
      { op: 'run', run: run({ id: 'reused', pid: me.pid, owner: { ...me, start: `${me.start}0` } }) },
    ]);
    expect(store.markInterrupted().ids).toEqual(['reused']);
    expect(store.getRun('mine')).toMatchObject({ status: 'running', endedAt: null });
    expect(store.getRun('reused')).toMatchObject({ status: 'interrupted', endedAt: NOW.toISOString() });
  });

  it('keeps a run of another host with a fresh heartbeat, interrupts one with a stale heartbeat', () => {
    store = openStore(tmpDir(), { now: () => NOW });
    store.apply([
      { op: 'run', run: run({ id: 'fresh', owner: elsewhere, heartbeatAt: ago(30_000) }) },
      { op: 'run', run: run({ id: 'stale', owner: elsewhere, heartbeatAt: ago(STALE_HEARTBEAT_MS + 1_000) }) },
      // No heartbeat yet: counted from its start.
      { op: 'run', run: run({ id: 'young', owner: elsewhere, startedAt: ago(5_000) }) },
      { op: 'run', run: run({ id: 'old', owner: elsewhere, startedAt: ago(STALE_HEARTBEAT_MS + 1_000) }) },
    ]);
    expect(store.markInterrupted().ids.sort()).toEqual(['old', 'stale']);
    expect(store.getRun('fresh')?.status).toBe('running');
    expect(store.getRun('young')?.status).toBe('running');
    // The other host's pid is never looked up here: a live local pid does not keep a stale run.
    store.apply([{ op: 'run', run: run({ id: 'stale2', owner: { ...elsewhere, pid: process.pid }, heartbeatAt: ago(STALE_HEARTBEAT_MS + 1_000) }) }]);
    expect(store.markInterrupted().ids).toEqual(['stale2']);
  });

  it('interrupts running jobs, stages and attempts, hands back and forgets the processes, and writes a run-end event', () => {
    const dir = tmpDir();
    store = openStore(dir, { now: () => NOW });
    const done = '2025-02-01T11:00:00.000Z';
    store.apply([
      { op: 'run', run: run({ id: 'stale', owner: elsewhere, heartbeatAt: ago(STALE_HEARTBEAT_MS * 2) }) },
      { op: 'run', run: run({ id: 'fresh', owner: elsewhere, heartbeatAt: ago(1_000) }) },
      { op: 'job', job: job({ runId: 'stale', key: 'a' }) },
      { op: 'job', job: job({ runId: 'stale', key: 'b', status: 'success', endedAt: done }) },
      { op: 'stage', stage: stage({ runId: 'stale', jobKey: 'a', path: '0', status: 'success', endedAt: done }) },
      { op: 'stage', stage: stage({ runId: 'stale', jobKey: 'a', path: '1' }) },
      { op: 'attempt', attempt: attempt({ runId: 'stale', jobKey: 'a', attempt: 1, status: 'failed', endedAt: done }) },
      { op: 'attempt', attempt: attempt({ runId: 'stale', jobKey: 'a', attempt: 2 }) },
      { op: 'attempt', attempt: attempt({ runId: 'stale', jobKey: 'a', stagePath: '1', attempt: 1 }) },
      { op: 'job', job: job({ runId: 'fresh', key: 'a' }) },
      { op: 'attempt', attempt: attempt({ runId: 'fresh', jobKey: 'a' }) },
      { op: 'proc', proc: proc({ runId: 'stale', jobKey: 'a', stagePath: '1', pid: 5001 }) },
      { op: 'proc', proc: proc({ runId: 'stale', jobKey: null, stagePath: null, pid: 5002, start: null }) },
      { op: 'proc', proc: proc({ runId: 'fresh', pid: 6001 }) },
    ]);

    const { ids, orphans } = store.markInterrupted();
    expect(ids).toEqual(['stale']);
    expect(orphans.sort((x, y) => x.pid - y.pid)).toEqual([
      proc({ runId: 'stale', jobKey: 'a', stagePath: '1', pid: 5001 }),
      proc({ runId: 'stale', jobKey: null, stagePath: null, pid: 5002, start: null }),
    ]);
    expect(storedProcesses(dir)).toEqual([{ run_id: 'fresh', pid: 6001 }]);

    const at = NOW.toISOString();
    expect(store.getJobs('stale').map((j) => [j.key, j.status, j.endedAt])).toEqual([['a', 'interrupted', at], ['b', 'success', done]]);
    expect(store.getStages('stale').map((s) => [s.path, s.status, s.endedAt])).toEqual([['0', 'success', done], ['1', 'interrupted', at]]);
    expect(store.getAttempts('stale').map((a) => [a.stagePath, a.attempt, a.status, a.endedAt])).toEqual([
      ['', 1, 'failed', done],
      ['', 2, 'interrupted', at],
      ['0', 1, 'success', done], // a stage's latest attempt is its own row
      ['1', 1, 'interrupted', at],
    ]);
    expect(store.getJobs('fresh')[0]!.status).toBe('running');
    expect(store.getAttempts('fresh')[0]!.status).toBe('running');

    const events = store.getEvents('stale');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ runId: 'stale', type: 'run-end', ts: at, jobKey: null, stagePath: null, data: { status: 'interrupted' } });
    expect(store.getEvents('fresh')).toEqual([]);

    // Done once: a second pass finds nothing more to interrupt or hand back.
    expect(store.markInterrupted()).toEqual({ ids: [], orphans: [] });
    expect(store.getEvents('stale')).toHaveLength(1);
  });

  it('asks the given check with the whole run record, owner and heartbeat included', () => {
    store = openStore(tmpDir(), { now: () => NOW });
    const r = run({ id: 'x', owner: elsewhere, heartbeatAt: ago(1_000), pid: 4321 });
    store.apply([{ op: 'run', run: r }]);
    const seen: unknown[] = [];
    const alive = (rec: unknown) => {
      seen.push(rec);
      return true;
    };
    expect(store.markInterrupted(alive).ids).toEqual([]);
    expect(seen).toEqual([r]);
  });
});
