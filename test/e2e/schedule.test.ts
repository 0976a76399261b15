import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { assertBuilt, parseJson, readRuns, runWf, startWf, tmpProject } from '../helpers/index.js';

beforeAll(assertBuilt);
vi.setConfig({ testTimeout: 60_000 });

const NIGHTLY = (policy = 'catchup: latest', extra = '') => `
nightly:
  type: Pipeline
  on: [{cron: "0 2 * * *", timezone: UTC}]
  schedule: {${policy}}
  params:
    day: {type: datetime, default: release}
  jobs:
    j:
      stages:
        - run: echo "\${{ params.day }}|\${{ run.release }}" >> ran
${extra}`;

const lines = (dir: string, f = 'ran') => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8').trim().split('\n').filter(Boolean) : []);

function releases(dir: string) {
  const store = openStore(join(dir, '.wf'), { readonly: true });
  try {
    return store.listReleases();
  } finally {
    store.close();
  }
}

describe('wf schedule --once --at', () => {
  it('runs a cron instant once; the same instant again runs nothing; a non-due instant runs nothing', async () => {
    const dir = tmpProject({ 'conf/p.yml': NIGHTLY() });
    const a = await runWf(['schedule', '--once', '--at', '2025-01-01T02:00:00Z'], { cwd: dir });
    expect(a.code, a.stderr).toBe(0);
    expect(lines(dir)).toEqual(['2025-01-01T02:00:00Z|2025-01-01T02:00:00Z']);
    const again = await runWf(['schedule', '--once', '--at', '2025-01-01T02:00:00Z'], { cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/nothing due/);
    expect((await runWf(['schedule', '--once', '--at', '2025-01-01T03:17:00Z'], { cwd: dir })).stdout).toMatch(/nothing due/);
    expect(lines(dir)).toHaveLength(1);
    expect(readRuns(join(dir, '.wf')).map((r) => r.run.trigger)).toEqual(['schedule']);
  });

  it('after a gap, catchup decides: latest runs the newest, all runs each, none runs none — each drop recorded', async () => {
    for (const [policy, expected] of [['catchup: latest', 1], ['catchup: all', 4], ['catchup: none', 0]] as const) {
      const dir = tmpProject({ 'conf/p.yml': NIGHTLY(policy) });
      await runWf(['schedule', '--once', '--at', '2025-01-01T02:00:00Z'], { cwd: dir });
      const r = await runWf(['schedule', '--once', '--at', '2025-01-05T12:00:00Z', '--json'], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      expect(lines(dir).length - 1, policy).toBe(expected);
      const rel = releases(dir).filter((x) => x.instant > '2025-01-01T02:00:00.000Z');
      expect(rel).toHaveLength(4);
      expect(rel.filter((x) => x.status === 'skipped')).toHaveLength(4 - expected);
      for (const s of rel.filter((x) => x.status === 'skipped')) expect(s.reason).toMatch(/catchup/);
    }
  });

  it('skip-delayed-by drops releases later than allowed, with the reason recorded', async () => {
    const dir = tmpProject({ 'conf/p.yml': NIGHTLY('catchup: all, skip-delayed-by: 2h') });
    await runWf(['schedule', '--once', '--at', '2025-01-01T02:00:00Z'], { cwd: dir });
    await runWf(['schedule', '--once', '--at', '2025-01-03T03:00:00Z'], { cwd: dir });
    expect(lines(dir).map((l) => l.split('|')[0])).toEqual(['2025-01-01T02:00:00Z', '2025-01-03T02:00:00Z']);
    const skipped = releases(dir).filter((x) => x.status === 'skipped');
    expect(skipped.map((x) => x.instant)).toEqual(['2025-01-02T02:00:00.000Z']);
    expect(skipped[0]!.reason).toMatch(/skip-delayed-by 2h/);
  });

  it('releases in the schedule zone: 0 9 * * * in Asia/Bangkok fires at 02:00Z; run.release carries the offset', async () => {
    const dir = tmpProject({ 'conf/p.yml': `bkk:\n  type: Pipeline\n  on: [{cron: "0 9 * * *", timezone: Asia/Bangkok}]\n  jobs:\n    j:\n      stages: [{run: 'echo "\${{ run.release }}" > rel'}]\n` });
    expect((await runWf(['schedule', '--once', '--at', '2025-01-01T01:00:00Z'], { cwd: dir })).stdout).toMatch(/nothing due/);
    await runWf(['schedule', '--once', '--at', '2025-01-01T02:00:00Z'], { cwd: dir });
    expect(readFileSync(join(dir, 'rel'), 'utf8').trim()).toBe('2025-01-01T09:00:00+07:00');
  });

  it('two schedulers started at once on one .wf/ run every release once (many instants)', async () => {
    const dir = tmpProject({ 'conf/p.yml': `every:\n  type: Pipeline\n  on: [{cron: "*/5 * * * *", timezone: UTC}]\n  schedule: {catchup: all, concurrency: allow}\n  jobs:\n    j:\n      stages: [{run: 'echo "\${{ run.release }}" >> ran'}]\n` });
    for (let i = 0; i < 8; i++) {
      const at = new Date(Date.UTC(2025, 0, 1, 0, 5 * (i + 1))).toISOString();
      const [a, b] = await Promise.all([runWf(['schedule', '--once', '--at', at], { cwd: dir }), runWf(['schedule', '--once', '--at', at], { cwd: dir })]);
      expect([a.code, b.code]).toEqual([0, 0]);
    }
    const got = lines(dir);
    expect(got).toHaveLength(8);
    expect(new Set(got).size).toBe(8);
  });

  it('kill -9 of a scheduler mid-run: the release does not start again, and the killed run is interrupted', async () => {
    const dir = tmpProject({ 'conf/p.yml': `slow:\n  type: Pipeline\n  on: [{cron: "0 2 * * *", timezone: UTC}]\n  jobs:\n    j:\n      stages:\n        - run: echo started >> ran; sleep 30\n` });
    const { child, done } = startWf(['schedule', '--once', '--at', '2025-01-01T02:00:00Z'], { cwd: dir, timeoutMs: 30_000 });
    for (let i = 0; i < 200 && lines(dir).length === 0; i++) await sleep(25);
    child.kill('SIGKILL');
    await done;
    const again = await runWf(['schedule', '--once', '--at', '2025-01-01T02:00:00Z'], { cwd: dir });
    expect(again.code).toBe(0);
    expect(lines(dir)).toEqual(['started']);
    const runs = readRuns(join(dir, '.wf'));
    expect(runs).toHaveLength(1);
    expect(runs[0]!.run.status).toBe('interrupted');
  });
});

describe('wf schedule --plan and wf backfill', () => {
  it('plans a window with DST skips and as JSON', async () => {
    const dir = tmpProject({ 'conf/p.yml': `paris:\n  type: Pipeline\n  on: [{cron: "30 2 * * *", timezone: Europe/Paris}]\n  jobs:\n    j:\n      stages: [{echo: hi}]\n` });
    const r = await runWf(['schedule', '--plan', '--from', '2025-03-29T00:00:00Z', '--to', '2025-03-31T12:00:00Z', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const plan = parseJson<Array<{ instant: string; action: string; local: string | null; reason?: string }>>(r);
    expect(plan.map((p) => [p.action, p.local ?? p.instant])).toEqual([
      ['run', '2025-03-29T02:30:00+01:00'],
      ['skip', '2025-03-30T01:30:00.000Z'],
      ['run', '2025-03-31T02:30:00+02:00'],
    ]);
    expect(plan[1]!.reason).toMatch(/daylight saving/);
  });

  it('backfill runs each missing release once; recorded ones are skipped; --force runs them again', async () => {
    const dir = tmpProject({ 'conf/p.yml': NIGHTLY() });
    await runWf(['schedule', '--once', '--at', '2025-01-02T02:00:00Z'], { cwd: dir });
    const plan = await runWf(['backfill', 'nightly', '--from', '2025-01-01T00:00:00Z', '--to', '2025-01-03T23:00:00Z', '--plan', '--json'], { cwd: dir });
    expect(parseJson<Array<{ action: string }>>(plan).map((p) => p.action)).toEqual(['run', 'skip', 'run']);
    expect(lines(dir)).toHaveLength(1);
    const b = await runWf(['backfill', 'nightly', '--from', '2025-01-01T00:00:00Z', '--to', '2025-01-03T23:00:00Z', '--max-parallel', '2'], { cwd: dir });
    expect(b.code, b.stderr).toBe(0);
    expect(lines(dir).map((l) => l.split('|')[0]).sort()).toEqual(['2025-01-01T02:00:00Z', '2025-01-02T02:00:00Z', '2025-01-03T02:00:00Z']);
    await runWf(['backfill', 'nightly', '--from', '2025-01-01T00:00:00Z', '--to', '2025-01-03T23:00:00Z'], { cwd: dir });
    expect(lines(dir)).toHaveLength(3);
    await runWf(['backfill', 'nightly', '--from', '2025-01-01T00:00:00Z', '--to', '2025-01-01T23:00:00Z', '--force'], { cwd: dir });
    expect(lines(dir)).toHaveLength(4);
  });
});

describe('the daemon', () => {
  it('exits 0 on SIGTERM within the grace, picks up an edited conf, and says whether it is alive in wf list', async () => {
    const dir = tmpProject({ 'conf/p.yml': NIGHTLY() });
    const d = startWf(['schedule', '--grace', '5s'], { cwd: dir, timeoutMs: 40_000 });
    let stderr = '';
    d.child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    for (let i = 0; i < 200 && !/scheduler started/.test(stderr); i++) await sleep(50);
    expect(stderr).toMatch(/nightly \(0 2 \* \* \* UTC\): next/);
    const list = await runWf(['list', '--json'], { cwd: dir });
    expect(list.stdout).toMatch(/"schedulerAlive": true/);
    writeFileSync(join(dir, 'conf/p.yml'), NIGHTLY('catchup: latest', `hourly:\n  type: Pipeline\n  on: [{cron: "0 * * * *"}]\n  jobs:\n    j:\n      stages: [{echo: hi}]\n`));
    for (let i = 0; i < 200 && !/reloaded: 2 schedule/.test(stderr); i++) await sleep(50);
    expect(stderr).toMatch(/conf\/ reloaded: 2 schedule/);
    writeFileSync(join(dir, 'conf/p.yml'), 'nightly: [broken');
    for (let i = 0; i < 200 && !/keeping the last good/.test(stderr); i++) await sleep(50);
    expect(stderr).toMatch(/keeping the last good definitions/);
    const sent = Date.now();
    d.child.kill('SIGTERM');
    const r = await d.done;
    expect(r.code).toBe(0);
    expect(Date.now() - sent).toBeLessThan(5000);
    writeFileSync(join(dir, 'conf/p.yml'), NIGHTLY());
    const after = await runWf(['list', '--json'], { cwd: dir });
    expect(after.stdout).toMatch(/"schedulerAlive": false/);
  });

  it('releases a run after each run of another pipeline ends with the status it names, also one started by wf run elsewhere', async () => {
    const dir = tmpProject({
      'conf/p.yml': `
etl:
  type: Pipeline
  params:
    fail: {type: bool, default: false}
  jobs:
    load:
      stages:
        - id: s
          run: |
            echo "rows=7" >> "$WF_OUTPUT"
            [ "\${{ params.fail }}" = "false" ]
      outputs: {rows: "\${{ stages.s.outputs.rows }}"}
report:
  type: Pipeline
  on: [{after: etl, status: success}]
  jobs:
    r:
      stages:
        - run: echo "\${{ run.trigger.run_id }} \${{ run.trigger.outputs.load.rows }}" >> reported
`,
    });
    const d = startWf(['schedule'], { cwd: dir, timeoutMs: 40_000 });
    let stderr = '';
    d.child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    for (let i = 0; i < 200 && !/scheduler started/.test(stderr); i++) await sleep(50);
    const ok = await runWf(['run', 'etl', '--json'], { cwd: dir });
    const okId = parseJson<{ run: { id: string } }>(ok).run.id;
    await runWf(['run', 'etl', '-p', 'fail=true'], { cwd: dir });
    for (let i = 0; i < 200 && lines(dir, 'reported').length === 0; i++) await sleep(50);
    await sleep(1000);
    d.child.kill('SIGTERM');
    await d.done;
    expect(lines(dir, 'reported')).toEqual([`${okId} 7`]);
  });
});
