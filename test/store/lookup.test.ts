import { afterEach, describe, expect, it } from 'vitest';
import { WfError } from '../../src/errors/index.js';
import { openStore, type RunRecord, type Store } from '../../src/store/index.js';
import { run, tmpDir } from './helpers.js';

let store: Store;
afterEach(() => store?.close());

function seed(runs: RunRecord[]): void {
  store = openStore(tmpDir());
  store.apply(runs.map((r) => ({ op: 'run' as const, run: r })));
}

function thrown(fn: () => unknown): WfError {
  try {
    fn();
  } catch (error) {
    if (error instanceof WfError) return error;
    throw error;
  }
  throw new Error('expected a WfError');
}

describe('getRun by id or prefix', () => {
  it('finds an exact id even when it is also a prefix of another id', () => {
    seed([run({ id: 'abc' }), run({ id: 'abcd' })]);
    expect(store.getRun('abc')?.id).toBe('abc');
    expect(store.getRun('abcd')?.id).toBe('abcd');
  });

  it('finds a run by a unique prefix', () => {
    seed([run({ id: 'm5d4ruo0k3z9' }), run({ id: 'm5d4xxxx0000' })]);
    expect(store.getRun('m5d4r')?.id).toBe('m5d4ruo0k3z9');
    expect(store.getRun('m5d4x')?.id).toBe('m5d4xxxx0000');
    expect(store.getRun('m5d5')).toBeUndefined();
    expect(store.getRun('')).toBeUndefined();
  });

  it('throws E_USAGE for an ambiguous prefix, with a hint naming some matches', () => {
    seed(['aa1', 'aa2', 'aa3', 'aa4', 'aa5', 'aa6', 'aa7', 'ab1'].map((id) => run({ id })));
    const err = thrown(() => store.getRun('aa'));
    expect(err.code).toBe('E_USAGE');
    expect(err.hint).toContain('aa1');
    expect(err.hint).toContain('aa5');
    expect(err.hint).not.toContain('aa7');
    expect(err.hint).not.toContain('ab1');
    expect(thrown(() => store.getRun('a')).code).toBe('E_USAGE');
  });
});

describe('listRuns', () => {
  const runs = [
    run({ id: 'r1', pipeline: 'etl', status: 'success', startedAt: '2025-01-01T00:00:00.000Z' }),
    run({ id: 'r2', pipeline: 'etl', status: 'failed', startedAt: '2025-01-03T00:00:00.000Z' }),
    run({ id: 'r3', pipeline: 'web', status: 'success', startedAt: '2025-01-02T00:00:00.000Z' }),
    run({ id: 'r4', pipeline: 'etl', status: 'success', startedAt: '2025-01-03T00:00:00.000Z' }),
    run({ id: 'r5', pipeline: 'web', status: 'running', startedAt: '2025-01-04T00:00:00.000Z' }),
  ];

  it('lists newest first, ties broken by id descending', () => {
    seed(runs);
    expect(store.listRuns().map((r) => r.id)).toEqual(['r5', 'r4', 'r2', 'r3', 'r1']);
  });

  it('filters by pipeline, by status, and by both', () => {
    seed(runs);
    expect(store.listRuns({ pipeline: 'etl' }).map((r) => r.id)).toEqual(['r4', 'r2', 'r1']);
    expect(store.listRuns({ status: 'success' }).map((r) => r.id)).toEqual(['r4', 'r3', 'r1']);
    expect(store.listRuns({ pipeline: 'web', status: 'success' }).map((r) => r.id)).toEqual(['r3']);
    expect(store.listRuns({ pipeline: 'none' })).toEqual([]);
  });

  it('returns full records', () => {
    seed(runs);
    expect(store.listRuns({ pipeline: 'web', status: 'running' })).toEqual([runs[4]]);
  });

  it('limits to 20 by default, to the given limit, or not at all with Infinity', () => {
    const many = Array.from({ length: 30 }, (_, i) =>
      run({ id: `r${String(i).padStart(2, '0')}`, startedAt: new Date(Date.UTC(2025, 0, 1, 0, i)).toISOString() }),
    );
    seed(many);
    expect(store.listRuns()).toHaveLength(20);
    expect(store.listRuns()[0].id).toBe('r29');
    expect(store.listRuns({ limit: 3 }).map((r) => r.id)).toEqual(['r29', 'r28', 'r27']);
    expect(store.listRuns({ limit: 0 })).toEqual([]);
    expect(store.listRuns({ limit: Infinity })).toHaveLength(30);
  });

  it('rejects a negative or fractional limit with E_USAGE', () => {
    seed(runs);
    expect(thrown(() => store.listRuns({ limit: -1 })).code).toBe('E_USAGE');
    expect(thrown(() => store.listRuns({ limit: 1.5 })).code).toBe('E_USAGE');
    expect(thrown(() => store.listRuns({ limit: NaN })).code).toBe('E_USAGE');
  });
});
