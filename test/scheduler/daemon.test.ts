import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/clock/index.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { openStore } from '../../src/store/index.js';
import { tmpProject } from '../helpers/index.js';

const CONF = `
nightly:
  type: Pipeline
  on: [{cron: "0 2 * * *", timezone: UTC}]
  schedule: {catchup: latest}
  jobs:
    j:
      stages: [{echo: "\${{ run.release }}"}]
`;

let scheduler: Scheduler | undefined;
afterEach(async () => {
  await scheduler?.close(0);
  scheduler = undefined;
});

function runsOf(dir: string) {
  const store = openStore(join(dir, '.wf'), { readonly: true });
  try {
    return store.listRuns({ limit: 100 }).map((r) => r.release);
  } finally {
    store.close();
  }
}

describe('the scheduler daemon on an injected clock', () => {
  it('sleeps until the next release (no polling), releases it on time, and re-arms', async () => {
    const dir = tmpProject({ 'conf/p.yml': CONF });
    const clock = new FakeClock('2025-01-01T01:00:00Z');
    scheduler = new Scheduler({ locations: { conf: join(dir, 'conf'), registry: [join(dir, 'hooks')], state: join(dir, '.wf') }, clock });
    await scheduler.open();
    scheduler.start();
    // Idle: the release timer, a heartbeat and a conf check; nothing that spins.
    expect(clock.pending).toBe(3);
    expect(clock.nextDue).toBe(Date.parse('2025-01-01T01:00:15Z'));
    await clock.advanceTo('2025-01-01T01:59:59Z');
    expect(runsOf(dir)).toEqual([]);
    await clock.advanceTo('2025-01-01T02:00:00Z');
    await scheduler.settle();
    expect(runsOf(dir)).toEqual(['2025-01-01T02:00:00Z']);
    // Re-armed each time: three more days, three more releases, each once.
    await clock.advanceTo('2025-01-04T03:00:00Z');
    await scheduler.settle();
    expect(runsOf(dir)).toEqual(['2025-01-04T02:00:00Z', '2025-01-03T02:00:00Z', '2025-01-02T02:00:00Z', '2025-01-01T02:00:00Z']);
    expect(clock.pending).toBe(3);
  });

  it('releases on time when timers fire a little late (as real ones do)', async () => {
    const dir = tmpProject({ 'conf/p.yml': CONF });
    const clock = new FakeClock('2025-01-01T01:59:00Z');
    const setTimer = clock.setTimer.bind(clock);
    clock.setTimer = (fn, ms) => setTimer(fn, ms + 7); // every timer 7 ms late
    scheduler = new Scheduler({ locations: { conf: join(dir, 'conf'), registry: [join(dir, 'hooks')], state: join(dir, '.wf') }, clock });
    await scheduler.open();
    scheduler.start();
    await clock.advanceTo('2025-01-01T02:00:01Z');
    await scheduler.settle();
    expect(runsOf(dir)).toEqual(['2025-01-01T02:00:00Z']);
  });
});
