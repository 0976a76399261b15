import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type StoreOp, type Store } from '../../src/store/index.js';
import { log, run, stage, tmpDir } from './helpers.js';

let store: Store;
afterEach(() => store?.close());

const N = 10_000;

describe('a large batch', () => {
  it('applies 10k stage upserts and 10k log lines in one transaction, all read back', () => {
    store = openStore(tmpDir());
    const ops: StoreOp[] = [{ op: 'run', run: run() }];
    for (let i = 0; i < N; i++) {
      const jobKey = `job-${i % 10}`;
      const path = String(Math.floor(i / 10));
      ops.push({ op: 'stage', stage: stage({ jobKey, path, outputs: { i }, status: 'running' }) });
      ops.push({ op: 'log', log: log({ jobKey, stagePath: path, text: `line ${i}` }) });
    }
    // The same stages again, finished: upserts, not new rows.
    for (let i = 0; i < N; i += 2) {
      ops.push({ op: 'stage', stage: stage({ jobKey: `job-${i % 10}`, path: String(Math.floor(i / 10)), status: 'success', outputs: { i, done: true } }) });
    }
    const started = performance.now();
    store.apply(ops);
    const elapsed = performance.now() - started;

    const stages = store.getStages('r1');
    expect(stages).toHaveLength(N);
    expect(stages.filter((s) => s.status === 'success')).toHaveLength(N / 2);
    expect(stages.find((s) => s.jobKey === 'job-4' && s.path === '7')).toMatchObject({ status: 'success', outputs: { i: 74, done: true } });
    expect(stages.find((s) => s.jobKey === 'job-3' && s.path === '7')).toMatchObject({ status: 'running', outputs: { i: 73 } });
    const logs = store.getLogs('r1');
    expect(logs.map((l) => l.text)).toEqual(Array.from({ length: N }, (_, i) => `line ${i}`));
    expect(store.getLogs('r1', { jobKey: 'job-9' })).toHaveLength(N / 10);
    // Generous bound (the target is well under 0.5 s); it catches a per-op transaction or re-prepare.
    expect(elapsed).toBeLessThan(2000);
  });
});
