import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, parseJson, readRuns, runWf, tmpProject } from '../helpers/index.js';

beforeAll(assertBuilt);

const CONF = `
history:
  type: Pipeline
  params:
    who: {type: str, default: Ada}
  jobs:
    build:
      stages:
        - id: greet
          run: |
            echo "hello \${{ params.who }}"
            echo "second line"
            echo "greeting=hi \${{ params.who }}" >> "$WF_OUTPUT"
        - echo: "built for \${{ params.who }}"
      outputs:
        greeting: \${{ stages.greet.outputs.greeting }}
    ship:
      needs: [build]
      stages:
        - run: echo "shipping \${{ needs.build.outputs.greeting }}"
broken:
  type: Pipeline
  jobs:
    only:
      stages: [{run: 'echo before; exit 7'}]
`;

interface RunJson {
  run: { id: string; pipeline: string; status: string; params: Record<string, unknown> };
  jobs: Array<{ key: string; status: string; outputs: Record<string, unknown> | null; stages: Array<{ name: string; stageId: string | null; kind: string; status: string; outputs: Record<string, unknown> | null }> }>;
}

describe.concurrent('run history: wf runs and wf logs', () => {
  let dir: string;
  let first: string;
  let second: string;

  beforeAll(async () => {
    dir = tmpProject({ 'conf/h.yml': CONF });
    expect((await runWf(['run', 'history'], { cwd: dir })).code).toBe(0);
    expect((await runWf(['run', 'history', '-p', 'who=Grace'], { cwd: dir })).code).toBe(0);
    expect((await runWf(['run', 'broken'], { cwd: dir })).code).toBe(1);
    const runs = readRuns(join(dir, '.wf'));
    [second, first] = runs.filter((r) => r.run.pipeline === 'history').map((r) => r.run.id) as [string, string];
  });

  it('wf runs --json lists runs with their jobs, stages and each stage\'s outputs', async () => {
    const runs = parseJson<RunJson[]>(await runWf(['runs', '--json'], { cwd: dir }));
    expect(runs.map((r) => r.run.pipeline)).toEqual(['broken', 'history', 'history']);
    const grace = runs.find((r) => r.run.id === second)!;
    expect(grace.run).toMatchObject({ status: 'success', params: { who: 'Grace' } });
    const build = grace.jobs.find((j) => j.key === 'build')!;
    expect(build.outputs).toEqual({ greeting: 'hi Grace' });
    expect(build.stages.map((s) => s.status)).toEqual(['success', 'success']);
    expect(build.stages[0]!.outputs).toMatchObject({ exit_code: 0, greeting: 'hi Grace' });
    expect(grace.jobs.find((j) => j.key === 'ship')!.stages[0]!.outputs).toMatchObject({ exit_code: 0 });
  });

  it('stages keep their id and kind in the store', async () => {
    const logs = parseJson<RunJson>(await runWf(['logs', second, '--json'], { cwd: dir }));
    const build = logs.jobs.find((j) => j.key === 'build')!;
    expect(build.stages.map((s) => [s.stageId, s.kind])).toEqual([['greet', 'run'], [null, 'echo']]);
  });

  it('wf runs filters by pipeline and status', async () => {
    const failed = parseJson<RunJson[]>(await runWf(['runs', '--status', 'failed', '--json'], { cwd: dir }));
    expect(failed.map((r) => r.run.pipeline)).toEqual(['broken']);
    const mine = parseJson<RunJson[]>(await runWf(['runs', 'history', '--json'], { cwd: dir }));
    expect(mine.map((r) => r.run.id)).toEqual([second, first]);
    const table = await runWf(['runs'], { cwd: dir });
    expect(table.code).toBe(0);
    for (const id of [first, second]) expect(table.stdout).toContain(id);
  });

  it('wf logs RUN shows each stage\'s output lines and outputs', async () => {
    const r = await runWf(['logs', first], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    for (const line of ['hello Ada', 'second line', 'built for Ada', 'shipping hi Ada']) expect(r.stdout).toContain(line);
    expect(r.stdout).toContain('greeting');
    expect(r.stdout).not.toContain('Grace');
  });

  it('wf logs accepts a unique prefix and last; an ambiguous or unknown one is exit 2', async () => {
    const prefix = await runWf(['logs', first.slice(0, first.length - 2), '--json'], { cwd: dir });
    expect(parseJson<RunJson>(prefix).run.id).toBe(first);
    const last = await runWf(['logs', 'last', '--json'], { cwd: dir });
    expect(parseJson<RunJson>(last).run.pipeline).toBe('broken');
    const unknown = await runWf(['logs', 'zzzz'], { cwd: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('E_NOT_FOUND');
    const ambiguous = await runWf(['logs', first.slice(0, 1)], { cwd: dir });
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain(first);
  });

  it('wf logs --json carries the log lines of each stage, and the failure of a failed run', async () => {
    const doc = parseJson<RunJson & { logs: Array<{ jobKey: string; stagePath: string; text: string }> }>(await runWf(['logs', 'last', '--json'], { cwd: dir }));
    expect(doc.run.status).toBe('failed');
    expect(doc.logs.map((l) => l.text)).toContain('before');
    expect(doc.jobs[0]!.stages[0]).toMatchObject({ status: 'failed', outputs: expect.objectContaining({ exit_code: 7 }) });
  });
});

describe('a run whose process died', () => {
  it('is marked interrupted by the next wf command, even one that only reads history', async () => {
    const dir = tmpProject({ 'conf/h.yml': CONF });
    const { openStore } = await import('../../src/store/index.js');
    const store = openStore(join(dir, '.wf'));
    store.apply([{ op: 'run', run: { id: 'dead1', pipeline: 'history', status: 'running', params: {}, release: null, attempt: 1, trigger: 'manual', parentRunId: null, startedAt: new Date().toISOString(), endedAt: null, error: null, pid: 2 ** 22 + 12345 } }]);
    store.close();
    const runs = parseJson<RunJson[]>(await runWf(['runs', '--json'], { cwd: dir }));
    expect(runs[0]!.run.status).toBe('interrupted');
    expect(readRuns(join(dir, '.wf'))[0]!.run.status).toBe('interrupted');
  });
});

describe('wf runs with a filter that matches nothing', () => {
  it('says so for a status; an unknown pipeline is an error with did-you-mean; a known one without runs is not', async () => {
    const dir = tmpProject({ 'conf/p.yml': CONF });
    expect((await runWf(['run', 'history'], { cwd: dir })).code).toBe(0);
    const none = await runWf(['runs', '--status', 'failed'], { cwd: dir });
    expect(none.code).toBe(0);
    expect(none.stdout.trim()).toBe('no failed runs');
    const typo = await runWf(['runs', 'histroy'], { cwd: dir });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/E_UNKNOWN_TEMPLATE\s+no pipeline named 'histroy'/);
    expect(typo.stderr).toMatch(/hint: did you mean 'history'\?/);
    const typoJson = await runWf(['runs', 'histroy', '--json'], { cwd: dir });
    expect(typoJson.code).toBe(2);
    expect(parseJson<{ ok: boolean }>(typoJson).ok).toBe(false);
    const known = await runWf(['runs', 'history', '--status', 'cancelled'], { cwd: dir });
    expect(known.code).toBe(0);
    expect(known.stdout.trim()).toBe('no cancelled runs of history');
  });
});
