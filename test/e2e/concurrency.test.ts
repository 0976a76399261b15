import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, onlyRun, runWf, tmpProject } from '../helpers/index.js';

beforeAll(assertBuilt);

/** A run: step that records when it starts and ends (nanoseconds) in `<name>.start` / `<name>.end`. */
const timed = (name: string, seconds: number) => `date +%s%N > ${name}.start; sleep ${seconds}; date +%s%N > ${name}.end`;
const stamp = (dir: string, file: string): bigint => BigInt(readFileSync(join(dir, file), 'utf8').trim());

describe('the DAG runs as a ready queue', () => {
  it('runs independent jobs at the same time and a job only after everything it needs', async () => {
    const dir = tmpProject({
      'conf/dag.yml': `
dag:
  type: Pipeline
  jobs:
    a:
      stages: [{run: "${timed('a', 0.5)}"}]
    b:
      stages: [{run: "${timed('b', 0.5)}"}]
    c:
      needs: [a, b]
      stages: [{run: "${timed('c', 0)}"}]
`,
    });
    const r = await runWf(['run', 'dag', '--max-parallel', '2'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const [aStart, aEnd, bStart, bEnd, cStart] = ['a.start', 'a.end', 'b.start', 'b.end', 'c.start'].map((f) => stamp(dir, f));
    // a and b overlap: each started before the other ended.
    expect(aStart! < bEnd!).toBe(true);
    expect(bStart! < aEnd!).toBe(true);
    // c started after both of its needs ended.
    expect(cStart! >= aEnd!).toBe(true);
    expect(cStart! >= bEnd!).toBe(true);
    expect(onlyRun(join(dir, '.wf')).jobs.every((j) => j.status === 'success')).toBe(true);
  });

  it('starts a job the moment its own needs are done, not when a whole wave is', async () => {
    const dir = tmpProject({
      'conf/queue.yml': `
queue:
  type: Pipeline
  jobs:
    quick:
      stages: [{run: "${timed('quick', 0)}"}]
    slow:
      stages: [{run: "${timed('slow', 0.5)}"}]
    after-quick:
      needs: quick
      stages: [{run: "${timed('after', 0)}"}]
`,
    });
    const r = await runWf(['run', 'queue', '--max-parallel', '2'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(stamp(dir, 'after.start') >= stamp(dir, 'quick.end')).toBe(true);
    expect(stamp(dir, 'after.start') < stamp(dir, 'slow.end')).toBe(true);
  });
});

describe('matrix jobs', () => {
  it('runs every cell exactly once, honouring include and exclude', async () => {
    const dir = tmpProject({
      'conf/m.yml': `
cells:
  type: Pipeline
  params:
    ys: {type: array, default: [a, b]}
  jobs:
    grid:
      strategy:
        matrix:
          x: [1, 2, 3]
          y: \${{ params.ys }}
          exclude: [{x: 2, y: b}]
          include: [{x: 9, y: z}]
      stages:
        - run: echo "\${{ matrix.x }}-\${{ matrix.y }}" >> cells.txt
`,
    });
    const r = await runWf(['run', 'cells', '--max-parallel', '2'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(join(dir, 'cells.txt'), 'utf8').trim().split('\n');
    expect(lines.sort()).toEqual(['1-a', '1-b', '2-a', '3-a', '3-b', '9-z']);
    const run = onlyRun(join(dir, '.wf'));
    expect(run.jobs.map((j) => j.key).sort()).toEqual(['grid (1, a)', 'grid (1, b)', 'grid (2, a)', 'grid (3, a)', 'grid (3, b)', 'grid (9, z)']);
  });

  it('max-parallel: 1 on a matrix runs its cells one after another', async () => {
    const dir = tmpProject({
      'conf/serial.yml': `
serial:
  type: Pipeline
  jobs:
    one-at-a-time:
      strategy:
        matrix: {n: [1, 2, 3]}
        max-parallel: 1
      stages:
        - run: |
            echo "start \${{ matrix.n }} $(date +%s%N)" >> spans.txt
            sleep 0.1
            echo "end \${{ matrix.n }} $(date +%s%N)" >> spans.txt
`,
    });
    const r = await runWf(['run', 'serial', '--max-parallel', '3'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const events = readFileSync(join(dir, 'spans.txt'), 'utf8').trim().split('\n').map((l) => l.split(' '));
    // Serial means the log alternates start n / end n, each cell closed before the next opens.
    expect(events).toHaveLength(6);
    for (let i = 0; i < 6; i += 2) {
      expect(events[i]![0]).toBe('start');
      expect(events[i + 1]![0]).toBe('end');
      expect(events[i + 1]![1]).toBe(events[i]![1]);
      if (i > 0) expect(BigInt(events[i]![2]!) >= BigInt(events[i - 1]![2]!)).toBe(true);
    }
    expect(events.filter((e) => e[0] === 'start').map((e) => e[1]).sort()).toEqual(['1', '2', '3']);
  });
});
