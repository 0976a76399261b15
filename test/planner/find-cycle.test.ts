import { describe, expect, it } from 'vitest';
import { findCycle } from '../../src/planner/index.js';

const graph = (entries: Record<string, string[]>): Map<string, string[]> => new Map(Object.entries(entries));

describe('findCycle', () => {
  it('is null for a DAG', () => {
    expect(findCycle(['a', 'b', 'c'], graph({ a: ['b', 'c'], b: ['c'], c: [] }))).toBeNull();
  });

  it('returns the path closing on itself', () => {
    expect(findCycle(['a', 'b', 'c'], graph({ a: ['b'], b: ['c'], c: ['a'] }))).toEqual(['a', 'b', 'c', 'a']);
  });

  it('starts at the first node (in the given order) that is on a cycle', () => {
    const edges = graph({ x: ['a'], a: ['b'], b: ['c'], c: ['a'] });
    expect(findCycle(['x', 'c', 'a', 'b'], edges)).toEqual(['c', 'a', 'b', 'c']);
  });

  it('takes the shortest cycle through that node', () => {
    const edges = graph({ a: ['b', 'c'], b: ['c'], c: ['a'] });
    expect(findCycle(['a', 'b', 'c'], edges)).toEqual(['a', 'c', 'a']);
  });

  it('finds a self-loop', () => {
    expect(findCycle(['a', 'b'], graph({ a: [], b: ['b'] }))).toEqual(['b', 'b']);
  });

  it('ignores edges to nodes that are not listed', () => {
    expect(findCycle(['a'], graph({ a: ['ghost'], ghost: ['a'] }))).toBeNull();
  });

  it('walks a 5,000-long cycle without recursion', () => {
    const n = 5000;
    const nodes = Array.from({ length: n }, (_, i) => `n${i}`);
    const edges = new Map(nodes.map((node, i) => [node, [nodes[(i + 1) % n]!]]));
    const cycle = findCycle(nodes, edges);
    expect(cycle).toHaveLength(n + 1);
    expect(cycle![0]).toBe('n0');
    expect(cycle![n - 1]).toBe('n4999');
    expect(cycle![n]).toBe('n0');
  });
});
