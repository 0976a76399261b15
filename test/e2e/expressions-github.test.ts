import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runWf, tmpProject } from '../helpers/index.js';

beforeAll(assertBuilt);

describe("GitHub's expression forms in a pipeline", () => {
  it('needs.*.result, case(), NaN and hex literals, index coercion and key case work in a run', async () => {
    const dir = tmpProject({
      'conf/p.yml': `p:
  type: Pipeline
  params:
    tables: {type: array, default: [orders, users]}
  jobs:
    a:
      stages: [{run: echo a}]
    b:
      stages: [{run: exit 3}]
    report:
      needs: [a, b]
      trigger-rule: all_done
      stages:
        - run: echo "r=\${{ join(needs.*.result, ',') }} c=\${{ case(contains(needs.*.result, 'failed'), 'bad', 'good') }} n=\${{ NaN }} h=\${{ 0x1F }} i=\${{ params.tables[true] }} .5=\${{ .5 }}"
`,
    });
    const r = await runWf(['run', 'p'], { cwd: dir });
    expect(r.code).toBe(1);
    const line = r.stdout.split('\n').find((l) => l.startsWith('[report]   r='));
    expect(line, r.stdout).toMatch(/r=(success,failed|failed,success) c=bad n=NaN h=31 i=users \.5=0\.5$/);
  });

  it("a * outside an object filter still says there is no arithmetic", async () => {
    const dir = tmpProject({ 'conf/p.yml': 'p:\n  type: Pipeline\n  jobs:\n    a:\n      stages: [{run: "echo ${{ 2 * 3 }}"}]\n' });
    const r = await runWf(['validate'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/E_EXPR\s+'\*': expressions have no arithmetic operators/);
  });
});

describe('case-sensitive text comparison', () => {
  it('an if: that is false only because of case says so in the stage log and the job reason', async () => {
    const dir = tmpProject({
      'conf/p.yml': "p:\n  type: Pipeline\n  params:\n    mode: {type: str, default: Delta}\n  jobs:\n    j:\n      stages:\n        - if: params.mode == 'delta'\n          run: echo delta\n        - run: echo after\n    k:\n      if: params.mode == 'delta'\n      stages: [{run: echo k}]\n",
    });
    const r = await runWf(['run', 'p'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\[j\] {3}if: was false; a comparison of two texts that differ only in upper\/lower case was false: wf compares text case-sensitively/);
    expect(r.stdout).toMatch(/\[k\] ○ job skipped \S+ \(if: was false; a comparison of two texts that differ only in upper\/lower case/);
    expect(r.stdout).not.toContain('Delta'); // the values are never quoted (either may be a secret)
  });
});
