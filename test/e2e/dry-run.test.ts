import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, parseJson, readRuns, runWf, tmpProject } from '../helpers/index.js';

beforeAll(assertBuilt);

const CONF = `
dry:
  type: Pipeline
  params:
    name: {type: str, default: world}
  jobs:
    a:
      strategy:
        matrix: {n: [1, 2]}
      stages:
        - run: |
            touch marker-\${{ matrix.n }}
            echo "hi \${{ params.name }}"
        - echo: "done \${{ params.name }}"
`;

describe.concurrent('wf run --dry-run', () => {
  let dir: string;
  beforeAll(() => {
    dir = tmpProject({ 'conf/dry.yml': CONF });
  });

  it('prints each stage as it would run, with env references for the values, and runs nothing', async () => {
    const r = await runWf(['run', 'dry', '--dry-run', '-p', 'name=$(touch pwned)'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\$\{WF_E\d+\}/); // the script references env vars, not the values
    expect(r.stdout).toContain('touch marker-');
    expect(r.stdout).toContain('a (1)');
    expect(r.stdout).toContain('a (2)');
    for (const f of ['marker-1', 'marker-2', 'pwned']) expect(existsSync(join(dir, f))).toBe(false);
    expect(readRuns(join(dir, '.wf'))).toEqual([]);
  });

  it('--dry-run --json prints one JSON document with the rendered scripts', async () => {
    const r = await runWf(['run', 'dry', '--dry-run', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const doc = parseJson<{ pipeline: string; jobs: Array<{ key: string; stages: Array<{ kind: string; script?: string; env?: Record<string, string> }> }> }>(r);
    expect(doc.pipeline).toBe('dry');
    expect(doc.jobs.map((j) => j.key)).toEqual(['a (1)', 'a (2)']);
    const shell = doc.jobs[0]!.stages[0]!;
    expect(shell.kind).toBe('run');
    expect(shell.script).toMatch(/\$\{WF_E\d+\}/);
    expect(Object.values(shell.env ?? {})).toContain('world');
    expect(existsSync(join(dir, 'marker-1'))).toBe(false);
    expect(readRuns(join(dir, '.wf'))).toEqual([]);
  });
});
