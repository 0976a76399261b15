import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WfError, diagnosticsOf } from '../../src/errors/index.js';
import { planJobs, type PlanJobInput } from '../../src/planner/index.js';

type Graph = number[][]; // node → the nodes it needs

const toJobs = (g: Graph): PlanJobInput[] => g.map((needs, i) => ({ id: `j${i}`, needs: needs.map((j) => `j${j}`) }));

/** Length of the shortest cycle through v (edges count), or Infinity; plain BFS, small graphs. */
function shortestCycleLength(g: Graph, v: number): number {
  const dist = new Map<number, number>();
  const queue: number[] = [];
  for (const w of g[v]!) {
    if (w === v) return 1;
    if (!dist.has(w)) {
      dist.set(w, 1);
      queue.push(w);
    }
  }
  for (let h = 0; h < queue.length; h++) {
    const u = queue[h]!;
    for (const w of g[u]!) {
      if (w === v) return dist.get(u)! + 1;
      if (!dist.has(w)) {
        dist.set(w, dist.get(u)! + 1);
        queue.push(w);
      }
    }
  }
  return Infinity;
}

/** The topological order that always takes the lowest-declared ready job (quadratic, for reference). */
function referenceOrder(g: Graph): number[] {
  const placed = new Set<number>();
  const order: number[] = [];
  while (order.length < g.length) {
    const next = g.findIndex((needs, i) => !placed.has(i) && needs.every((j) => placed.has(j)));
    order.push(next);
    placed.add(next);
  }
  return order;
}

function cycleOf(error: unknown): number[] {
  expect(error).toBeInstanceOf(WfError);
  const first = diagnosticsOf(error as WfError)[0]!;
  expect(first.code).toBe('E_CYCLE');
  const path = first.message.slice(first.message.indexOf(': ') + 2).split(' → ');
  return path.map((id) => Number(id.slice(1)));
}

function expectReportedCycle(g: Graph, error: unknown): void {
  const path = cycleOf(error);
  expect(path[0]).toBe(path[path.length - 1]);
  for (let k = 0; k + 1 < path.length; k++) expect(g[path[k]!]).toContain(path[k + 1]);
  const firstOnCycle = g.findIndex((_, v) => shortestCycleLength(g, v) < Infinity);
  expect(path[0]).toBe(firstOnCycle);
  expect(path.length - 1).toBe(shortestCycleLength(g, firstOnCycle));
}

/** A DAG hidden behind a random rank per node: a node only needs lower-ranked nodes. */
const dagArb = fc.integer({ min: 1, max: 30 }).chain((n) =>
  fc.tuple(
    fc.array(fc.double({ noNaN: true }), { minLength: n, maxLength: n }),
    fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 4 * n }),
  ).map(([keys, pairs]) => {
    const rank = new Map([...keys.keys()].sort((a, b) => keys[a]! - keys[b]! || a - b).map((node, r) => [node, r]));
    const g: Graph = Array.from({ length: n }, () => []);
    for (const [u, v] of pairs) if (rank.get(u)! > rank.get(v)!) g[u]!.push(v);
    return { g, rank };
  }),
);

describe('planJobs properties', () => {
  it('plans random DAGs: a permutation, needs first, lowest-declared ready job first', () => {
    fc.assert(
      fc.property(dagArb, ({ g }) => {
        const plan = planJobs(toJobs(g));
        const position = new Map(plan.order.map((id, i) => [id, i]));
        expect(position.size).toBe(g.length);
        g.forEach((needs, i) => needs.forEach((j) => expect(position.get(`j${j}`)!).toBeLessThan(position.get(`j${i}`)!)));
        expect(plan.order).toEqual(referenceOrder(g).map((i) => `j${i}`));
        expect(plan.instances.map((inst) => inst.key)).toEqual(plan.order);
      }),
      { numRuns: 300 },
    );
  });

  it('random DAGs plus a back edge give E_CYCLE whose path is a real, shortest, first cycle', () => {
    const arb = dagArb
      .filter(({ g }) => g.length >= 2)
      .chain(({ g, rank }) =>
        fc.tuple(fc.nat(g.length - 1), fc.nat(g.length - 1)).map(([a, b]) => {
          const byRank = [...rank.entries()].sort((x, y) => x[1] - y[1]).map(([node]) => node);
          const cyclic = g.map((needs) => [...needs]);
          // A chain down the ranks makes every higher-ranked node reach every lower one...
          byRank.forEach((node, r) => r > 0 && cyclic[node]!.push(byRank[r - 1]!));
          // ...so one node needing a node ranked at or above it closes a cycle.
          const [lo, hi] = rank.get(a)! <= rank.get(b)! ? [a, b] : [b, a];
          cyclic[lo]!.push(hi);
          return cyclic;
        }),
      );
    fc.assert(
      fc.property(arb, (g) => {
        let thrown: unknown;
        try {
          planJobs(toJobs(g));
        } catch (error) {
          thrown = error;
        }
        expectReportedCycle(g, thrown);
      }),
      { numRuns: 300 },
    );
  });

  it('random graphs: E_CYCLE exactly when some job is on a cycle', () => {
    const graphArb = fc.integer({ min: 1, max: 15 }).chain((n) =>
      fc.array(fc.array(fc.nat(n - 1), { maxLength: 3 }), { minLength: n, maxLength: n }),
    );
    fc.assert(
      fc.property(graphArb, (g) => {
        const cyclic = g.some((_, v) => shortestCycleLength(g, v) < Infinity);
        let thrown: unknown;
        try {
          planJobs(toJobs(g));
        } catch (error) {
          thrown = error;
        }
        if (cyclic) expectReportedCycle(g, thrown);
        else expect(thrown).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });
});
