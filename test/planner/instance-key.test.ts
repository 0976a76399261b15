import { describe, expect, it } from 'vitest';
import { instanceKey, planJobs } from '../../src/planner/index.js';

describe('instanceKey', () => {
  it('is the job id for a non-matrix job', () => {
    expect(instanceKey('build', null, [])).toBe('build');
  });

  it('lists values in axis order, not in the cell key order', () => {
    expect(instanceKey('build', { table: 'orders', region: 'eu' }, ['region', 'table'])).toBe('build (eu, orders)');
  });

  it('puts include-only keys after the axes, in the cell order', () => {
    const cell = { color: 'pink', fruit: 'apple', shape: 'circle', animal: 'cat' };
    expect(instanceKey('t', cell, ['fruit', 'animal'])).toBe('t (apple, cat, pink, circle)');
  });

  it('renders numbers, booleans, null and objects as JSON, strings bare', () => {
    const cell = { n: 16, b: false, z: null, o: { os: 'linux' }, l: ['-O2', 3], s: 'x y' };
    expect(instanceKey('j', cell, ['n', 'b', 'z', 'o', 'l', 's'])).toBe('j (16, false, null, {"os":"linux"}, ["-O2",3], x y)');
  });

  it('skips axes an include-only cell lacks', () => {
    expect(instanceKey('build', { fruit: 'banana' }, ['fruit', 'animal'])).toBe('build (banana)');
  });

  it('is the job id for an empty cell', () => {
    expect(instanceKey('build', {}, [])).toBe('build');
  });
});

describe('instance keys in a plan', () => {
  it('numbers cells that render the same: " #2", " #3"', () => {
    const plan = planJobs([
      { id: 'load', needs: [], matrix: { axes: {}, include: [{ t: 'a' }, { t: 'a' }, { t: 'b' }, { t: 'a' }] } },
    ]);
    expect(plan.instances.map((i) => i.key)).toEqual(['load (a)', 'load (a) #2', 'load (b)', 'load (a) #3']);
    expect(plan.instances.map((i) => i.index)).toEqual([0, 1, 2, 3]);
  });

  it('keeps keys unique even when a rendered key looks like a numbered one', () => {
    const plan = planJobs([
      { id: 'load (a) #2', needs: [] },
      { id: 'load', needs: [], matrix: { axes: {}, include: [{ t: 'a' }, { t: 'a' }] } },
    ]);
    expect(plan.instances.map((i) => i.key)).toEqual(['load (a) #2', 'load (a)', 'load (a) #3']);
  });

  it('gives matrix instances their cell and a non-matrix one null', () => {
    const plan = planJobs([
      { id: 'prep', needs: [] },
      { id: 'load', needs: ['prep'], matrix: { axes: { region: ['eu', 'us'], table: ['orders'] } } },
    ]);
    expect(plan.instances).toEqual([
      { key: 'prep', jobId: 'prep', matrix: null, index: 0 },
      { key: 'load (eu, orders)', jobId: 'load', matrix: { region: 'eu', table: 'orders' }, index: 0 },
      { key: 'load (us, orders)', jobId: 'load', matrix: { region: 'us', table: 'orders' }, index: 1 },
    ]);
  });
});
