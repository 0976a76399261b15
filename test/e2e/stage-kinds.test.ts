import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { assertBuilt, hasStackTrace, onlyRun, parseJson, readRuns, runWf, tmpProject } from '../helpers/index.js';

beforeAll(assertBuilt);
vi.setConfig({ testTimeout: 30_000 });

describe('foreach', () => {
  it('runs per item with at most `concurrency` at once; outputs per item are readable outside', async () => {
    const dir = tmpProject({
      'conf/p.yml': `
p:
  type: Pipeline
  params:
    tables: {type: array, default: [a, b, c]}
  jobs:
    j:
      stages:
        - id: loop
          foreach: \${{ params.tables }}
          concurrency: 2
          stages:
            - id: t
              run: |
                echo "start \${{ index }} $(date +%s%N)" >> times
                sleep 0.4
                echo "end \${{ index }} $(date +%s%N)" >> times
                echo "name=\${{ item }}-\${{ index }}" >> "$WF_OUTPUT"
        - run: echo "\${{ stages.loop.outputs.results[2].stages.t.name }} of \${{ stages.loop.outputs.items | length }}" > out
`,
    });
    const r = await runWf(['run', 'p'], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'out'), 'utf8').trim()).toMatch(/^c-2 of/);
    // Never more than 2 items at once: replay the start/end timestamps.
    const events = readFileSync(join(dir, 'times'), 'utf8').trim().split('\n').map((l) => { const [kind, , ts] = l.split(' '); return { kind: kind!, ts: BigInt(ts!) }; }).sort((a, b) => (a.ts < b.ts ? -1 : 1));
    let running = 0;
    let max = 0;
    for (const e of events) {
      running += e.kind === 'start' ? 1 : -1;
      max = Math.max(max, running);
    }
    expect(max).toBe(2);
    const stored = onlyRun(join(dir, '.wf'));
    expect(stored.stages.filter((s) => s.path.startsWith('0.')).map((s) => s.path).sort()).toEqual(['0.0.0', '0.1.0', '0.2.0']);
  });
});

describe('parallel, case, until, raise and nesting', () => {
  it('a foreach inside a parallel branch inside a matrix job, with outputs read from outside each container', async () => {
    const dir = tmpProject({
      'conf/p.yml': `
p:
  type: Pipeline
  params:
    mode: {type: choice, options: [full, delta], default: delta}
  jobs:
    m:
      strategy:
        matrix: {region: [eu, us]}
      stages:
        - id: par
          parallel:
            left:
              - id: loop
                foreach: [x, y]
                stages:
                  - id: t
                    run: echo "v=\${{ matrix.region }}-\${{ item }}-\${{ branch }}" >> "$WF_OUTPUT"
            right:
              - id: r
                run: echo "b=\${{ branch }}" >> "$WF_OUTPUT"
        - id: c
          case: \${{ params.mode }}
          match:
            - case: full
              stages: [{id: f, run: echo "v=full" >> "$WF_OUTPUT"}]
            - else:
                - id: d
                  run: echo "v=delta" >> "$WF_OUTPUT"
        - id: u
          until: \${{ stages.poll.outputs.n == '3' }}
          max-loop: 5
          stages:
            - id: poll
              run: |
                n=$(cat n-\${{ matrix.region }} 2>/dev/null || echo 0); n=$((n+1)); echo $n > n-\${{ matrix.region }}
                echo "n=$n" >> "$WF_OUTPUT"
        - run: echo "\${{ stages.par.outputs.left.loop.results[1].stages.t.v }} \${{ stages.par.outputs.right.r.b }} \${{ stages.c.outputs.d.v }} \${{ stages.u.outputs.passes }}" > out-\${{ matrix.region }}
`,
    });
    const r = await runWf(['run', 'p'], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'out-eu'), 'utf8').trim()).toBe('eu-y-left right delta 3');
    expect(readFileSync(join(dir, 'out-us'), 'utf8').trim()).toBe('us-y-left right delta 3');
    const tree = await runWf(['logs', 'last', '--tree'], { cwd: dir });
    expect(tree.code).toBe(0);
    expect(tree.stdout).toMatch(/m \(eu\)/);
    expect(tree.stdout).toMatch(/loop \[0\.left\.0\]/);
    expect(tree.stdout).toMatch(/poll \[2\.2\.0\]/);
  });

  it('case with no match and no else is skipped and says so; until that never holds fails at max-loop; raise fails', async () => {
    const dir = tmpProject({
      'conf/p.yml': `
p:
  type: Pipeline
  jobs:
    a:
      stages:
        - case: nope
          match:
            - case: yes
              stages: [{run: touch never}]
    b:
      stages:
        - until: \${{ false }}
          max-loop: 3
          stages: [{run: echo x >> passes}]
    c:
      stages:
        - raise: stop here \${{ 1 }}
`,
    });
    const r = await runWf(['run', 'p', '--json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(existsSync(join(dir, 'never'))).toBe(false);
    expect(readFileSync(join(dir, 'passes'), 'utf8')).toBe('x\nx\nx\n');
    const d = parseJson<{ jobs: Array<{ key: string; status: string; error: { message: string } | null }> }>(r);
    const byKey = Object.fromEntries(d.jobs.map((j) => [j.key, j]));
    expect(byKey.a!.status).toBe('success');
    expect(byKey.b!.error?.message).toMatch(/after 3 passes \(max-loop\)/);
    expect(byKey.c!.error?.message).toBe('stop here 1');
    const logs = await runWf(['logs', 'last', '--json'], { cwd: dir });
    expect(logs.stdout).toMatch(/no case matched 'nope' and there is no else/);
  });
});

describe('input: and wf resume', () => {
  it('pauses (exit 3), refuses a bad value (exit 2, still paused), resumes in a new process, refuses a second resume', async () => {
    const dir = tmpProject({
      'conf/p.yml': `
p:
  type: Pipeline
  jobs:
    a:
      stages:
        - run: echo x >> before
        - id: gate
          input:
            prompt: Approve the load?
            schema: {approved: bool, reviewer: str}
        - run: echo "\${{ stages.gate.outputs.approved }} \${{ input.reviewer }}" > after
    b:
      needs: [a]
      stages:
        - run: touch b-ran
`,
    });
    const first = await runWf(['run', 'p'], { cwd: dir });
    expect(first.code).toBe(3);
    const id = /run (\w{16}) is paused/.exec(first.stderr)?.[1];
    expect(id).toBeDefined();
    expect(first.stderr).toMatch(/Approve the load\?/);
    expect(first.stderr).toMatch(/approved: bool/);
    expect(first.stderr).toMatch(/reviewer: str/);
    expect(onlyRun(join(dir, '.wf')).run.status).toBe('paused');
    const bad = await runWf(['resume', id!, '-i', 'approved=maybe', '-i', 'reviewer=ada'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(hasStackTrace(bad.stderr)).toBe(false);
    expect(bad.stderr).toMatch(/approved/);
    expect(onlyRun(join(dir, '.wf')).run.status).toBe('paused');
    const good = await runWf(['resume', id!, '-i', 'approved=yes', '-i', 'reviewer=ada'], { cwd: dir });
    expect(good.code, good.stdout + good.stderr).toBe(0);
    expect(readFileSync(join(dir, 'after'), 'utf8').trim()).toBe('true ada');
    expect(readFileSync(join(dir, 'before'), 'utf8')).toBe('x\n');
    expect(existsSync(join(dir, 'b-ran'))).toBe(true);
    const again = await runWf(['resume', id!, '-i', 'approved=yes', '-i', 'reviewer=ada'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/E_STATE.*not paused/);
  });
});

describe('trigger:', () => {
  it('runs child pipelines as linked runs; three triggering jobs finish with --max-parallel 1', async () => {
    const dir = tmpProject({
      'conf/p.yml': `
parent:
  type: Pipeline
  jobs:
    a:
      stages:
        - {id: kid, trigger: child, params: {region: eu}}
        - run: echo "\${{ stages.kid.outputs.status }} \${{ stages.kid.outputs.jobs.load.rows }}" > out
    b:
      stages: [{trigger: child, params: {region: us}}]
    c:
      stages: [{trigger: child, params: {region: apac}}]
child:
  type: Pipeline
  params:
    region: str
  jobs:
    load:
      stages:
        - id: s
          run: echo "rows=\${{ params.region }}-42" >> "$WF_OUTPUT"
      outputs: {rows: "\${{ stages.s.outputs.rows }}"}
`,
    });
    const r = await runWf(['run', 'parent', '--max-parallel', '1'], { cwd: dir, timeoutMs: 30_000 });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'out'), 'utf8').trim()).toBe('success eu-42');
    const runs = readRuns(join(dir, '.wf'));
    const parent = runs.find((x) => x.run.pipeline === 'parent')!;
    const children = runs.filter((x) => x.run.pipeline === 'child');
    expect(children).toHaveLength(3);
    for (const c of children) expect(c.run.parentRunId).toBe(parent.run.id);
    const listed = await runWf(['runs'], { cwd: dir });
    expect(listed.stdout).toContain(`↳ ${parent.run.id}`);
    const tree = await runWf(['logs', parent.run.id, '--tree'], { cwd: dir });
    for (const c of children) expect(tree.stdout).toContain(c.run.id);
  });

  it('a trigger cycle is a load error naming it; a failing child fails the stage', async () => {
    const cyc = tmpProject({ 'conf/p.yml': `a:\n  type: Pipeline\n  jobs:\n    x:\n      stages: [{trigger: b}]\nb:\n  type: Pipeline\n  jobs:\n    x:\n      stages: [{trigger: a}]\n` });
    const v = await runWf(['validate'], { cwd: cyc });
    expect(v.code).toBe(2);
    expect(v.stderr).toMatch(/E_CYCLE\s+trigger cycle: (a → b → a|b → a → b)/);
    const fail = tmpProject({ 'conf/p.yml': `a:\n  type: Pipeline\n  jobs:\n    x:\n      stages: [{trigger: b}]\nb:\n  type: Pipeline\n  jobs:\n    x:\n      stages: [{run: exit 4}]\n` });
    const r = await runWf(['run', 'a'], { cwd: fail });
    expect(r.code).toBe(1);
    const parent = readRuns(join(fail, '.wf')).find((x) => x.run.pipeline === 'a')!;
    expect(parent.stages[0]!.error?.message).toMatch(/child run \w+ of 'b' failed/);
  });
});

describe('shells beyond bash', () => {
  const HOSTILE = {
    x: `x"; open('pwned','w').write('1'); y="`,
    y: `');require('fs').writeFileSync('pwned2','1');('`,
  };
  it('python and node receive a hostile param as text; nothing is executed', async () => {
    const dir = tmpProject({
      'conf/p.yml': `
p:
  type: Pipeline
  params:
    x: str
    y: str
    n: {type: int, default: 41}
  jobs:
    j:
      stages:
        - shell: python
          run: |
            import os
            x = \${{ params.x }}
            y = \${{ params.y }}
            n = \${{ params.n }} + 1
            open("py-out", "w").write(f"{x}|{y}|{n}")
        - shell: node
          run: |
            const fs = require('node:fs');
            fs.writeFileSync('node-out', [\${{ params.x }}, \${{ params.y }}, \${{ params.n }} + 1].join('|'));
`,
    });
    const r = await runWf(['run', 'p', '-p', `x=${HOSTILE.x}`, '-p', `y=${HOSTILE.y}`], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
    expect(existsSync(join(dir, 'pwned2'))).toBe(false);
    expect(readFileSync(join(dir, 'py-out'), 'utf8')).toBe(`${HOSTILE.x}|${HOSTILE.y}|42`);
    expect(readFileSync(join(dir, 'node-out'), 'utf8')).toBe(`${HOSTILE.x}|${HOSTILE.y}|42`);
    const dry = await runWf(['run', 'p', '-p', `x=${HOSTILE.x}`, '-p', `y=${HOSTILE.y}`, '--dry-run'], { cwd: dir });
    expect(dry.stdout).toContain("__import__('json').loads(__import__('os').environ['WF_E1'])");
    expect(dry.stdout).toContain('JSON.parse(process.env.WF_E1)');
  });

  it('an expression inside a python string literal is a located load error', async () => {
    const dir = tmpProject({ 'conf/p.yml': `p:\n  type: Pipeline\n  params:\n    x: str\n  jobs:\n    j:\n      stages:\n        - shell: python\n          run: print("hi \${{ params.x }}")\n` });
    const r = await runWf(['validate'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/conf\/p\.yml:9:\d+\s+E_EXPR\s+.*Python string literal/);
  });
});
