/**
 * Strongly connected components by an iterative Tarjan (no recursion, so a 5,000-long chain
 * cannot overflow the stack). Returns each node's component number.
 */
function components(adj: number[][]): Int32Array {
  const n = adj.length;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const comp = new Int32Array(n).fill(-1);
  const edgePos = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const calls: number[] = [];
  let counter = 0;
  let compCount = 0;
  const enter = (v: number): void => {
    index[v] = low[v] = counter++;
    stack.push(v);
    onStack[v] = 1;
    calls.push(v);
  };
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    enter(root);
    while (calls.length > 0) {
      const v = calls[calls.length - 1]!;
      const out = adj[v]!;
      if (edgePos[v]! < out.length) {
        const w = out[edgePos[v]++]!;
        if (index[w] === -1) enter(w);
        else if (onStack[w]) low[v] = Math.min(low[v]!, index[w]!);
        continue;
      }
      calls.pop();
      if (calls.length > 0) {
        const u = calls[calls.length - 1]!;
        low[u] = Math.min(low[u]!, low[v]!);
      }
      if (low[v] === index[v]) {
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          comp[w] = compCount;
        } while (w !== v);
        compCount++;
      }
    }
  }
  return comp;
}

/** Shortest cycle through `start` inside its component, by BFS; e.g. [2, 5, 2]. */
function shortestCycleFrom(start: number, adj: number[][], comp: Int32Array, parent: Int32Array): number[] | null {
  const c = comp[start]!;
  const queue = [start];
  parent[start] = start;
  for (let head = 0; head < queue.length; head++) {
    const u = queue[head]!;
    for (const w of adj[u]!) {
      if (comp[w] !== c) continue;
      if (w === start) {
        const back: number[] = [];
        for (let v = u; v !== start; v = parent[v]!) back.push(v); // walks from the closing edge back
        return [start, ...back.reverse(), start];
      }
      if (parent[w] === -1) {
        parent[w] = u;
        queue.push(w);
      }
    }
  }
  return null;
}

/**
 * One cycle per cyclic component of the graph `adj` (node → successors, as indexes), each the
 * shortest cycle through the lowest-numbered node of its component, ordered by that node.
 * O(nodes + edges) overall.
 */
export function findCyclesIn(adj: number[][]): number[][] {
  const comp = components(adj);
  // Each BFS only marks nodes of its own component, so one parent array serves them all.
  const parent = new Int32Array(adj.length).fill(-1);
  const reported = new Set<number>();
  const cycles: number[][] = [];
  for (let v = 0; v < adj.length; v++) {
    if (reported.has(comp[v]!)) continue;
    const cycle = shortestCycleFrom(v, adj, comp, parent);
    if (!cycle) continue;
    reported.add(comp[v]!);
    cycles.push(cycle);
  }
  return cycles;
}

/**
 * A cycle in the graph, as the node path that closes on itself, or null for a DAG. The cycle
 * starts at the first node (in `nodes` order) that is on any cycle and is the shortest through it.
 * Edges to nodes not in `nodes` are ignored.
 *
 * @example findCycle(['a', 'b', 'c'], new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]])) // ['a', 'b', 'c', 'a']
 */
export function findCycle(nodes: string[], edges: Map<string, string[]>): string[] | null {
  const at = new Map<string, number>();
  nodes.forEach((node, i) => {
    if (!at.has(node)) at.set(node, i);
  });
  const adj = nodes.map((node, i) => {
    if (at.get(node) !== i) return []; // a repeated node name: its edges belong to the first
    const out: number[] = [];
    for (const target of edges.get(node) ?? []) {
      const j = at.get(target);
      if (j !== undefined) out.push(j);
    }
    return out;
  });
  const first = findCyclesIn(adj)[0];
  return first ? first.map((i) => nodes[i]!) : null;
}
