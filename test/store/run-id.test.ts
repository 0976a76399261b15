import { describe, expect, it } from 'vitest';
import { newRunId } from '../../src/store/index.js';
import { comparePaths } from '../../src/store/stage-order.js';

describe('newRunId', () => {
  it('is 16 lowercase base36 chars starting with the time (8 random: two runs never merge)', () => {
    const id = newRunId(new Date('2025-01-01T00:00:00.000Z'));
    expect(id).toMatch(/^[0-9a-z]{16}$/);
    expect(id.slice(0, 8)).toBe('m5d4ruo0');
  });

  it('sorts by time as text, including across digit-count changes of small timestamps', () => {
    const times = [0, 35, 36, 1_000_000, Date.UTC(2001, 0, 1), Date.UTC(2025, 5, 1), Date.UTC(2059, 0, 1)];
    const ids = times.map((t) => newRunId(new Date(t)));
    expect([...ids].sort()).toEqual(ids);
  });

  it('differs between calls in the same millisecond', () => {
    const now = new Date();
    const ids = new Set(Array.from({ length: 200 }, () => newRunId(now)));
    // 2^40 random suffixes: a collision among 200 has a chance of about 2e-8.
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^[0-9a-z]{16}$/);
  });
});

describe('comparePaths', () => {
  it('orders numerically by segment, parents before children', () => {
    const paths = ['10', '2.10', '2.9', '2', '1', '2.9.0', '0'];
    expect(paths.sort(comparePaths)).toEqual(['0', '1', '2', '2.9', '2.9.0', '2.10', '10']);
  });

  it('falls back to text order for non-numeric segments', () => {
    expect(['b', 'a', '1'].sort(comparePaths)).toEqual(['1', 'a', 'b']);
  });
});
