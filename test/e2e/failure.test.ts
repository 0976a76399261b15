import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, hasStackTrace, jobOf, onlyRun, runWf, stagesOf, tmpProject } from '../helpers/index.js';

beforeAll(assertBuilt);

const CONF = `
fails:
  type: Pipeline
  jobs:
    broken:
      stages:
        - run: echo first
        - run: exit 3
        - run: touch after-failure
    dependent:
      needs: [broken]
      stages:
        - run: touch dependent-ran
    transitive:
      needs: [dependent]
      stages:
        - run: touch transitive-ran
    independent:
      stages:
        - run: sleep 0.2; touch independent-ran
tolerated:
  type: Pipeline
  jobs:
    flaky:
      continue-on-error: true
      stages:
        - run: exit 3
    fine:
      stages:
        - run: touch fine-ran
stage-tolerated:
  type: Pipeline
  jobs:
    only:
      stages:
        - run: exit 5
          continue-on-error: true
        - run: touch next-stage-ran
`;

describe.concurrent('a failing stage', () => {
  let dir: string;
  beforeAll(() => {
    dir = tmpProject({ 'conf/f.yml': CONF });
  });

  it('fails its job and the run (exit 1), skips later stages and dependents; independent jobs still run', async () => {
    const state = join(dir, 's1');
    const r = await runWf(['run', 'fails', '--state', state], { cwd: dir });
    expect(r.code).toBe(1);
    expect(hasStackTrace(r.stdout + r.stderr)).toBe(false);
    expect(existsSync(join(dir, 'after-failure'))).toBe(false);
    expect(existsSync(join(dir, 'dependent-ran'))).toBe(false);
    expect(existsSync(join(dir, 'transitive-ran'))).toBe(false);
    expect(existsSync(join(dir, 'independent-ran'))).toBe(true);

    const run = onlyRun(state);
    expect(run.run.status).toBe('failed');
    expect(run.run.error?.code).toBe('E_STAGE');
    expect(jobOf(run, 'broken').status).toBe('failed');
    expect(stagesOf(run, 'broken').map((s) => s.status)).toEqual(['success', 'failed', 'skipped']);
    expect(stagesOf(run, 'broken')[1]!.outputs).toMatchObject({ exit_code: 3 });
    expect(jobOf(run, 'dependent').status).toBe('upstream_failed');
    expect(jobOf(run, 'transitive').status).toBe('upstream_failed');
    expect(jobOf(run, 'independent').status).toBe('success');
  });

  it('continue-on-error: true on a job lets the run succeed (exit 0) while the job is recorded failed', async () => {
    const state = join(dir, 's2');
    const r = await runWf(['run', 'tolerated', '--state', state], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(dir, 'fine-ran'))).toBe(true);
    const run = onlyRun(state);
    expect(run.run.status).toBe('success');
    expect(jobOf(run, 'flaky').status).toBe('failed');
  });

  it('continue-on-error: true on a stage lets the job go on', async () => {
    const state = join(dir, 's3');
    const r = await runWf(['run', 'stage-tolerated', '--state', state], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(dir, 'next-stage-ran'))).toBe(true);
    const run = onlyRun(state);
    expect(jobOf(run, 'only').status).toBe('success');
    expect(stagesOf(run, 'only')[0]!.status).toBe('failed');
  });
});
