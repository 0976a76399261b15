import { describe, expect, it } from 'vitest';
import { FakeClock, sleep, systemClock } from '../../src/clock/index.js';

describe('FakeClock', () => {
  it('fires timers in due order only when time is advanced past them', async () => {
    const clock = new FakeClock('2025-01-01T00:00:00Z');
    const fired: string[] = [];
    clock.setTimer(() => fired.push('b'), 2000);
    clock.setTimer(() => fired.push('a'), 1000);
    const cancel = clock.setTimer(() => fired.push('never'), 1500);
    cancel();
    await clock.advance(999);
    expect(fired).toEqual([]);
    await clock.advance(1001);
    expect(fired).toEqual(['a', 'b']);
    expect(new Date(clock.now()).toISOString()).toBe('2025-01-01T00:00:02.000Z');
    expect(clock.pending).toBe(0);
  });

  it('sleep resolves on advance and rejects on abort', async () => {
    const clock = new FakeClock(0);
    let done = false;
    const p = sleep(clock, 5000).then(() => (done = true));
    await clock.advance(4999);
    expect(done).toBe(false);
    await clock.advance(1);
    await p;
    expect(done).toBe(true);
    const ac = new AbortController();
    const q = sleep(clock, 1000, ac.signal);
    ac.abort(new Error('stop'));
    await expect(q).rejects.toThrow('stop');
    expect(clock.pending).toBe(0);
  });
});

describe('systemClock', () => {
  it('waits at least the delay', async () => {
    const start = Date.now();
    await sleep(systemClock, 30);
    expect(Date.now() - start).toBeGreaterThanOrEqual(29);
  });
});
