import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, fileLineCol, hasStackTrace, parseDiagnostics, runWf, tmpProject } from '../helpers/index.js';

beforeAll(assertBuilt);

const COUNT = 300;

/** 300 pipeline files in nested folders, one of them with broken YAML, plus a shared schedule and a broken flow-style file. */
function largeConf(): Record<string, string> {
  const files: Record<string, string> = {
    'conf/schedules.yml': 'nightly:\n  type: On\n  cron: "0 2 * * *"\n',
  };
  for (let i = 0; i < COUNT; i++) {
    files[`conf/team-${i % 7}/p${i}.yml`] = `# pipeline ${i}
p${i}:
  type: Pipeline
  on: [nightly]
  params:
    n: {type: int, default: ${i}}
  jobs:
    only:
      stages:
        - run: echo "pipeline \${{ params.n }} ran"
`;
  }
  files['conf/team-3/p150.yml'] = `p150:
  type: Pipeline
  jobs:
    only:
      stages:
        - run: echo [unclosed
          bad: indentation: here
`;
  // A file the cheap name scan cannot read either (flow style), and broken too.
  files['conf/zz-flow.yml'] = '{p999: {type: Pipeline, jobs: [unclosed\n';
  return files;
}

describe.concurrent('a large conf/ with broken files', () => {
  let dir: string;
  beforeAll(() => {
    dir = tmpProject(largeConf());
  });

  it('wf run p7 still works: it loads only what p7 needs', async () => {
    const r = await runWf(['run', 'p7'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('pipeline 7 ran');
    expect(r.stderr).not.toContain('p150');
    expect(r.stderr).not.toContain('zz-flow');
  });

  it('wf validate exits 2 naming the broken files and lines', async () => {
    const r = await runWf(['validate'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(hasStackTrace(r.stderr)).toBe(false);
    const diags = parseDiagnostics(r.stderr);
    expect(diags.length).toBeGreaterThan(0);
    expect(new Set(diags.map((d) => d.file)), r.stderr).toEqual(new Set(['conf/team-3/p150.yml', 'conf/zz-flow.yml']));
    expect(diags.every((d) => d.code === 'E_YAML')).toBe(true);
    const p150 = diags.find((d) => d.file === 'conf/team-3/p150.yml')!;
    expect(p150.line).toBe(fileLineCol(join(dir, 'conf/team-3/p150.yml'), 'bad: indentation').line);
  });

  it('wf run of the broken pipeline reports its file', async () => {
    const r = await runWf(['run', 'p150'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(parseDiagnostics(r.stderr)[0]).toMatchObject({ file: 'conf/team-3/p150.yml', code: 'E_YAML' });
  });

  it('wf run of a name defined nowhere also shows the file that could not be read (it might be there)', async () => {
    const r = await runWf(['run', 'p999'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(parseDiagnostics(r.stderr).map((d) => d.file)).toContain('conf/zz-flow.yml');
  });
});
