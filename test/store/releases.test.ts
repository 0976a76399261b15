import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/index.js';
import { run, tmpDir } from './helpers.js';

const stores: Store[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

function open(dir: string, now = new Date('2025-03-01T00:00:00.000Z')): Store {
  const store = openStore(dir, { now: () => now });
  stores.push(store);
  return store;
}

const release = { pipeline: 'etl', scheduleKey: 'nightly', instant: '2025-03-01T02:00:00.000Z', runId: null };

describe('schedule releases', () => {
  it('records a release once; the same key again returns false and keeps the first', () => {
    const store = open(tmpDir());
    expect(store.recordRelease({ ...release, runId: 'first' })).toBe(true);
    expect(store.recordRelease({ ...release, runId: 'second' })).toBe(false);
    expect(store.listReleases()).toEqual([{ ...release, runId: 'first', createdAt: '2025-03-01T00:00:00.000Z', status: 'released', reason: null }]);
  });

  it('treats another pipeline, schedule or instant as a different release', () => {
    const store = open(tmpDir());
    expect(store.recordRelease(release)).toBe(true);
    expect(store.recordRelease({ ...release, pipeline: 'web' })).toBe(true);
    expect(store.recordRelease({ ...release, scheduleKey: 'hourly' })).toBe(true);
    expect(store.recordRelease({ ...release, instant: '2025-03-02T02:00:00.000Z' })).toBe(true);
    expect(store.listReleases()).toHaveLength(4);
    expect(store.listReleases('web').map((r) => r.pipeline)).toEqual(['web']);
    expect(store.listReleases()[0].instant).toBe('2025-03-02T02:00:00.000Z');
  });

  it('is unique across two store instances on the same file', () => {
    const dir = tmpDir();
    const a = open(dir);
    const b = open(dir);
    expect(a.recordRelease(release)).toBe(true);
    expect(b.recordRelease(release)).toBe(false);
    expect(b.recordRelease({ ...release, instant: '2025-03-03T02:00:00.000Z' })).toBe(true);
    expect(a.recordRelease({ ...release, instant: '2025-03-03T02:00:00.000Z' })).toBe(false);
    expect(a.listReleases()).toHaveLength(2);
  });

  it('sees runs another instance wrote', () => {
    const dir = tmpDir();
    const a = open(dir);
    const b = open(dir);
    a.apply([{ op: 'run', run: run() }]);
    expect(b.getRun('r1')?.id).toBe('r1');
  });
});
