import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, hasStackTrace, jobOf, onlyRun, parseJson, runWf, stagesOf, startWf, tmpProject } from '../helpers/index.js';

beforeAll(assertBuilt);

// Regressions from a review: each of these once crashed wf, hung it, leaked a secret or gave a wrong result.

const HOOKS = `
export const big = { name: 'big', run: () => ({ n: 10n, s: 'ok' }) };
export const loop = { name: 'loop', run: () => { const o = { a: 1 }; o.self = o; return o; } };
export const hang = { name: 'hang', run: () => new Promise(() => {}) };
`;

function files(conf: string): Record<string, string> {
  return { 'conf/p.yml': conf, 'hooks/odd.mjs': HOOKS };
}

describe.concurrent('robustness', () => {
  it('a job continue-on-error expression that renders false does not hide the failure', async () => {
    const dir = tmpProject(files(`
p:
  type: Pipeline
  params: {tolerate: {type: bool, default: false}}
  jobs:
    a:
      continue-on-error: \${{ params.tolerate }}
      stages: [{run: exit 3}]
    b:
      needs: [a]
      stages: [{run: touch b-ran}]
`));
    expect((await runWf(['run', 'p'], { cwd: dir })).code).toBe(1);
    expect(existsSync(join(dir, 'b-ran'))).toBe(false);
    expect((await runWf(['run', 'p', '-p', 'tolerate=true'], { cwd: dir })).code).toBe(0);
    expect(existsSync(join(dir, 'b-ran'))).toBe(true);
  });

  it('a hook returning a BigInt or a cycle fails its stage cleanly; the run is recorded as failed', async () => {
    const dir = tmpProject(files(`
p:
  type: Pipeline
  jobs:
    bigint:
      stages:
        - {id: b, uses: odd/big}
        - run: echo "n=\${{ stages.b.outputs.n }}"
    cycle:
      stages: [{uses: odd/loop}]
`));
    const r = await runWf(['run', 'p'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(r.stdout).toContain('n=10');
    const run = onlyRun(join(dir, '.wf'));
    expect(run.run.status).toBe('failed');
    expect(jobOf(run, 'bigint').status).toBe('success');
    expect(stagesOf(run, 'cycle')[0]!.error?.message).toMatch(/not JSON data/);
  });

  it('a param too large for the environment leaves unrelated stages running; one used there, or holding a NUL byte, fails the stage, not wf', async () => {
    const dir = tmpProject(files(`
p:
  type: Pipeline
  params: {v: str}
  jobs:
    a:
      stages: [{run: echo hi}]
q:
  type: Pipeline
  params: {v: str}
  jobs:
    a:
      stages: [{run: 'echo "\${{ params.v }}"'}]
`));
    writeFileSync(join(dir, 'big.json'), JSON.stringify({ v: 'x'.repeat(300_000) }));
    writeFileSync(join(dir, 'nul.json'), JSON.stringify({ v: 'a\u0000b' }));
    const unrelated = await runWf(['run', 'p', '--params-file', 'big.json', '--state', join(dir, 'big0.wf')], { cwd: dir });
    expect(unrelated.code, unrelated.stderr).toBe(0);
    for (const [pipeline, file] of [['q', 'big.json'], ['p', 'nul.json']]) {
      const r = await runWf(['run', pipeline!, '--params-file', file!, '--state', join(dir, file + '.wf')], { cwd: dir });
      expect(r.code, r.stderr).toBe(1);
      expect(hasStackTrace(r.stderr)).toBe(false);
      expect(onlyRun(join(dir, file + '.wf')).run.status).toBe('failed');
    }
  });

  it('a matrix over 256 cells fails its job with E_TYPE instead of crashing', async () => {
    const dir = tmpProject(files(`
p:
  type: Pipeline
  params: {n: {type: array, default: [${Array.from({ length: 20 }, (_, i) => i).join(', ')}]}}
  jobs:
    a:
      strategy: {matrix: {x: "\${{ params.n }}", y: "\${{ params.n }}"}}
      stages: [{run: 'true'}]
`));
    const r = await runWf(['run', 'p'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(jobOf(onlyRun(join(dir, '.wf')), 'a').error?.code).toBe('E_TYPE');
  });

  it('a secret in a matrix value is masked in instance keys, output and the store', async () => {
    const dir = tmpProject(files(`
p:
  type: Pipeline
  params: {token: secret}
  jobs:
    build:
      strategy: {matrix: {tok: ["\${{ params.token }}", plain]}}
      stages: [{run: 'echo "\${{ matrix.tok }}"'}]
`));
    const r = await runWf(['run', 'p', '-p', 'token=s3cr3tXYZ'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('s3cr3tXYZ');
    expect(r.stdout).toContain('build (***)');
    const logs = await runWf(['logs', 'last', '--json'], { cwd: dir });
    expect(logs.stdout).not.toContain('s3cr3tXYZ');
    for (const f of readdirSync(join(dir, '.wf'))) {
      if (f === 'cache') continue;
      expect(readFileSync(join(dir, '.wf', f)).includes('s3cr3tXYZ'), f).toBe(false);
    }
  });

  it('a failure reaches past skipped jobs as upstream_failed, so none_failed and all_failed decide as in Airflow', async () => {
    const dir = tmpProject(files(`
p:
  type: Pipeline
  jobs:
    a: {stages: [{run: exit 1}]}
    b: {needs: [a], stages: [{run: 'true'}]}
    publish: {needs: [b], trigger-rule: none_failed, stages: [{run: touch published}]}
    alert: {needs: [b], trigger-rule: all_failed, stages: [{run: touch alerted}]}
`));
    expect((await runWf(['run', 'p'], { cwd: dir })).code).toBe(1);
    const run = onlyRun(join(dir, '.wf'));
    expect(jobOf(run, 'b').status).toBe('upstream_failed');
    expect(existsSync(join(dir, 'published'))).toBe(false);
    expect(existsSync(join(dir, 'alerted'))).toBe(true);
  });

  it('an if: that fails to evaluate fails its stage, at the stage, and later stages are skipped', async () => {
    const dir = tmpProject(files(`
p:
  type: Pipeline
  params: {d: {type: str, default: notjson}}
  jobs:
    a:
      stages:
        - run: echo first
        - if: \${{ fromJSON(params.d) }}
          run: echo second
        - run: echo third
`));
    const r = await runWf(['run', 'p'], { cwd: dir });
    expect(r.code).toBe(1);
    const stages = stagesOf(onlyRun(join(dir, '.wf')), 'a');
    expect(stages.map((s) => s.status)).toEqual(['success', 'failed', 'skipped']);
    expect(stages[1]!.error?.loc?.line).toBe(9);
  });

  it('--dry-run expands a whole-value matrix with include exactly as the run does', async () => {
    const dir = tmpProject(files(`
p:
  type: Pipeline
  params: {m: {type: map, default: {n: [1, 2], include: [{n: 3}]}}}
  jobs:
    a:
      strategy: {matrix: "\${{ params.m }}"}
      stages: [{run: 'echo "\${{ matrix.n }}"'}]
`));
    const dry = parseJson<{ jobs: Array<{ key: string }> }>(await runWf(['run', 'p', '--dry-run', '--json'], { cwd: dir }));
    expect(dry.jobs.map((j) => j.key)).toEqual(['a (1)', 'a (2)', 'a (3)']);
    expect((await runWf(['run', 'p'], { cwd: dir })).code).toBe(0);
    expect(onlyRun(join(dir, '.wf')).jobs.map((j) => j.key).sort()).toEqual(['a (1)', 'a (2)', 'a (3)']);
  });

  it('wf show --json masks a secret default', async () => {
    const dir = tmpProject(files(`
p:
  type: Pipeline
  params: {token: {type: secret, default: d3fault-S3CRET}}
  jobs: {a: {stages: [{echo: hi}]}}
`));
    const r = await runWf(['show', 'p', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('d3fault-S3CRET');
  });
});

describe('Ctrl-C with a hook that never returns', () => {
  it('ends the run within the grace period: exit 130, recorded cancelled', async () => {
    const dir = tmpProject(files(`
p:
  type: Pipeline
  jobs:
    a: {stages: [{echo: started}, {uses: odd/hang}]}
`));
    const { child, done } = startWf(['run', 'p'], { cwd: dir });
    const deadline = Date.now() + 15_000;
    while (!existsSync(join(dir, '.wf', 'wf.db')) && Date.now() < deadline) await sleep(25);
    await sleep(700);
    const sent = Date.now();
    child.kill('SIGINT');
    const r = await done;
    expect(r.code, r.stderr).toBe(130);
    expect(Date.now() - sent).toBeLessThan(10_000);
    expect(onlyRun(join(dir, '.wf')).run.status).toBe('cancelled');
  });
});
