import { describe, expect, it } from 'vitest';
import { WfError, WfErrors, diagnosticsOf } from '../../src/errors/index.js';
import { planJobs, type PlanJobInput } from '../../src/planner/index.js';

const loc = (line: number) => ({ file: 'conf/p.yml', line, col: 3 });

function planError(jobs: PlanJobInput[]): WfError {
  try {
    planJobs(jobs);
  } catch (error) {
    if (error instanceof WfError) return error;
    throw error;
  }
  throw new Error('expected planJobs to throw');
}

describe('planJobs: order and maps', () => {
  it('orders jobs after what they need, declaration order when free', () => {
    const plan = planJobs([
      { id: 'report', needs: ['load'] },
      { id: 'extract', needs: [] },
      { id: 'load', needs: ['extract', 'extract'] },
      { id: 'lint', needs: [] },
    ]);
    // extract (1) and lint (3) are free; the lower index goes first, then load unlocks before lint.
    expect(plan.order).toEqual(['extract', 'load', 'report', 'lint']);
    expect(plan.needs.get('load')).toEqual(['extract']);
    expect(plan.needs.get('extract')).toEqual([]);
    expect(plan.dependents.get('extract')).toEqual(['load']);
    expect(plan.dependents.get('report')).toEqual([]);
    expect(plan.instances.map((i) => i.key)).toEqual(['extract', 'load', 'report', 'lint']);
  });

  it('keeps declaration order for independent jobs', () => {
    const ids = ['z', 'm', 'a', 'q'];
    expect(planJobs(ids.map((id) => ({ id, needs: [] }))).order).toEqual(ids);
  });

  it('lists dependents in declaration order', () => {
    const plan = planJobs([
      { id: 'c', needs: ['a'] },
      { id: 'a', needs: [] },
      { id: 'b', needs: ['a'] },
    ]);
    expect(plan.dependents.get('a')).toEqual(['c', 'b']);
    expect(plan.order).toEqual(['a', 'c', 'b']);
  });

  it('gives a matrix job with no cells an empty instance list but keeps it in the DAG', () => {
    const plan = planJobs([
      { id: 'load', needs: [], matrix: { axes: { table: [] } } },
      { id: 'report', needs: ['load'] },
    ]);
    expect(plan.byJob.get('load')).toEqual([]);
    expect(plan.order).toEqual(['load', 'report']);
    expect(plan.instances.map((i) => i.key)).toEqual(['report']);
  });

  it('places every instance after the instances of the jobs it needs', () => {
    const jobs: PlanJobInput[] = [
      { id: 'publish', needs: ['test', 'build'] },
      { id: 'test', needs: ['build'], matrix: { axes: { node: [18, 20] } } },
      { id: 'build', needs: [], matrix: { axes: { os: ['linux', 'mac'] } } },
    ];
    const plan = planJobs(jobs);
    const position = new Map(plan.instances.map((inst, i) => [inst, i]));
    for (const inst of plan.instances) {
      for (const need of plan.needs.get(inst.jobId)!) {
        for (const before of plan.byJob.get(need)!) expect(position.get(before)!).toBeLessThan(position.get(inst)!);
      }
    }
    expect(plan.instances.map((i) => i.key)).toEqual([
      'build (linux)',
      'build (mac)',
      'test (18)',
      'test (20)',
      'publish',
    ]);
  });

  it('plans a 5,000-long chain declared backwards without overflowing the stack', () => {
    const n = 5000;
    const jobs = Array.from({ length: n }, (_, k) => {
      const i = n - 1 - k;
      return { id: `j${i}`, needs: i === 0 ? [] : [`j${i - 1}`] };
    });
    const plan = planJobs(jobs);
    expect(plan.order).toHaveLength(n);
    expect(plan.order[0]).toBe('j0');
    expect(plan.order[n - 1]).toBe('j4999');
    expect(plan.order.every((id, i) => id === `j${i}`)).toBe(true);
  });
});

describe('planJobs: unknown needs', () => {
  it('reports every unknown need together, at its job, with a hint', () => {
    const e = planError([
      { id: 'build', needs: [], loc: loc(2) },
      { id: 'test', needs: ['buidl'], loc: loc(4) },
      { id: 'deploy', needs: ['tset', 'build', 'tset', 'nowhere'], loc: loc(6) },
    ]);
    expect(e).toBeInstanceOf(WfErrors);
    const all = diagnosticsOf(e);
    expect(all.map((d) => d.code)).toEqual(['E_UNKNOWN_NEEDS', 'E_UNKNOWN_NEEDS', 'E_UNKNOWN_NEEDS']);
    expect(all.map((d) => d.loc?.line)).toEqual([4, 6, 6]);
    expect(all[0]!.message).toContain("'buidl'");
    expect(all[0]!.hint).toBe("did you mean 'build'?");
    expect(all[1]!.hint).toBe("did you mean 'test'?");
    expect(all[2]!.hint).toBe("expected a job: 'build', 'test'");
  });

  it('reports a single unknown need as a plain WfError', () => {
    const e = planError([{ id: 'a', needs: ['b'], loc: loc(1) }]);
    expect(e).not.toBeInstanceOf(WfErrors);
    expect(e.code).toBe('E_UNKNOWN_NEEDS');
    expect(e.loc).toEqual(loc(1));
  });

  it('reports unknown needs before looking for cycles', () => {
    const e = planError([
      { id: 'a', needs: ['b'] },
      { id: 'b', needs: ['a'] },
      { id: 'c', needs: ['zz'] },
    ]);
    expect(diagnosticsOf(e).map((d) => d.code)).toEqual(['E_UNKNOWN_NEEDS']);
  });

  it('reports a malformed matrix at its job alongside unknown needs', () => {
    const e = planError([
      { id: 'a', needs: ['nope'], loc: loc(1) },
      { id: 'b', needs: [], loc: loc(5), matrix: { axes: { table: 'orders' as never } } },
    ]);
    expect(diagnosticsOf(e).map((d) => [d.code, d.loc?.line])).toEqual([
      ['E_UNKNOWN_NEEDS', 1],
      ['E_TYPE', 5],
    ]);
  });
});

describe('planJobs: cycles', () => {
  it('prints the cycle path with arrows and a hint, at its first job', () => {
    const e = planError([
      { id: 'a', needs: ['b'], loc: loc(1) },
      { id: 'b', needs: ['c'], loc: loc(3) },
      { id: 'c', needs: ['a'], loc: loc(5) },
    ]);
    expect(e.code).toBe('E_CYCLE');
    expect(e.message).toBe('jobs need each other in a cycle: a → b → c → a');
    expect(e.hint).toBe('remove one of these needs');
    expect(e.loc).toEqual(loc(1));
  });

  it('starts at the first declared job on a cycle and leaves out jobs merely downstream', () => {
    const e = planError([
      { id: 'root', needs: [] },
      { id: 'after', needs: ['y'] },
      { id: 'y', needs: ['x'] },
      { id: 'x', needs: ['root', 'y'] },
    ]);
    expect(e.message).toBe('jobs need each other in a cycle: y → x → y');
  });

  it('prints the shortest cycle through that job', () => {
    const e = planError([
      { id: 'a', needs: ['b', 'c'] },
      { id: 'b', needs: ['c'] },
      { id: 'c', needs: ['a'] },
    ]);
    expect(e.message).toBe('jobs need each other in a cycle: a → c → a');
  });

  it('reports a job needing itself', () => {
    const e = planError([
      { id: 'ok', needs: [] },
      { id: 'loop', needs: ['ok', 'loop'], loc: loc(7) },
    ]);
    expect(e.code).toBe('E_CYCLE');
    expect(e.message).toBe("job 'loop' needs itself: loop → loop");
    expect(e.loc).toEqual(loc(7));
    expect(e.hint).toBe('remove one of these needs');
  });

  it('reports one cycle per separate knot', () => {
    const e = planError([
      { id: 'a', needs: ['b'] },
      { id: 'b', needs: ['a'] },
      { id: 'c', needs: ['d'] },
      { id: 'd', needs: ['c'] },
    ]);
    expect(diagnosticsOf(e).map((d) => d.message)).toEqual([
      'jobs need each other in a cycle: a → b → a',
      'jobs need each other in a cycle: c → d → c',
    ]);
  });

  it('prints a 5,000-job cycle without overflowing the stack', () => {
    const n = 5000;
    const jobs = Array.from({ length: n }, (_, i) => ({ id: `j${i}`, needs: [`j${(i + 1) % n}`] }));
    const e = planError(jobs);
    expect(e.code).toBe('E_CYCLE');
    expect(e.message.split(' → ')).toHaveLength(n + 1);
    expect(e.message.endsWith('j4999 → j0')).toBe(true);
  });
});
