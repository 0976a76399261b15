import { WfError } from '../errors/index.js';
import { pipelineStages } from '../model/walk-stages.js';
import type { Pipeline } from '../model/types.js';
import { hasTemplate } from '../template/index.js';

type Edges = Map<string, Array<{ to: string; loc: Pipeline['loc'] }>>;

/**
 * Every cycle of a graph of pipeline names, each once, with the place of the edge that closes it.
 * An iterative DFS: a long chain does not grow the stack.
 */
function findCycles(edges: Edges): Array<{ cycle: string[]; loc: Pipeline['loc'] }> {
  const found: Array<{ cycle: string[]; loc: Pipeline['loc'] }> = [];
  const state = new Map<string, 'open' | 'done'>();
  const reported = new Set<string>();
  for (const start of edges.keys()) {
    if (state.has(start)) continue;
    const stack: Array<{ name: string; next: number }> = [{ name: start, next: 0 }];
    state.set(start, 'open');
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const out = edges.get(top.name)!;
      if (top.next >= out.length) {
        state.set(top.name, 'done');
        stack.pop();
        continue;
      }
      const edge = out[top.next++]!;
      const seen = state.get(edge.to);
      if (seen === 'open') {
        const cycle = [...stack.slice(stack.findIndex((f) => f.name === edge.to)).map((f) => f.name), edge.to];
        const key = cycle.slice(0, -1).sort().join(',');
        if (!reported.has(key)) {
          reported.add(key);
          found.push({ cycle, loc: edge.loc });
        }
      } else if (seen === undefined) {
        state.set(edge.to, 'open');
        stack.push({ name: edge.to, next: 0 });
      }
    }
  }
  return found;
}

/**
 * A cycle of `trigger:` among literal pipeline names (a → b → a) would start child runs forever:
 * a load error at the trigger stage that closes it, naming the cycle. Names that come from an
 * expression are checked when the run reaches them.
 */
export function checkTriggerCycles(pipelines: ReadonlyMap<string, Pipeline>): WfError[] {
  const edges: Edges = new Map();
  for (const p of pipelines.values()) {
    edges.set(p.name, [...pipelineStages(p)].flatMap((s) => (s.kind === 'trigger' && !hasTemplate(s.trigger) && pipelines.has(s.trigger) ? [{ to: s.trigger, loc: s.loc }] : [])));
  }
  return findCycles(edges).map(({ cycle, loc }) => new WfError('E_CYCLE', `trigger cycle: ${cycle.join(' → ')}`, { loc, hint: 'a pipeline may not trigger itself, directly or through others' }));
}

/**
 * `on: [{after: P}]` entries: the pipeline must exist (when all of conf/ is loaded), and a cycle of
 * them (a after b, b after a) would release runs forever: a load error naming it.
 */
export function checkAfterSchedules(pipelines: ReadonlyMap<string, Pipeline>, complete: boolean): WfError[] {
  const errors: WfError[] = [];
  const edges: Edges = new Map();
  for (const p of pipelines.values()) {
    const out: Array<{ to: string; loc: Pipeline['loc'] }> = [];
    for (const s of p.on) {
      if (!s.after) continue;
      if (pipelines.has(s.after.pipeline)) out.push({ to: s.after.pipeline, loc: s.loc });
      else if (complete) errors.push(new WfError('E_UNKNOWN_TEMPLATE', `on: after: unknown pipeline '${s.after.pipeline}'`, { loc: s.loc, hint: "after: takes the name of a 'type: Pipeline' template" }));
    }
    edges.set(p.name, out);
  }
  // p is released after q: an edge p → q; a cycle means each waits on the other's end forever.
  for (const { cycle, loc } of findCycles(edges)) {
    errors.push(new WfError('E_CYCLE', `after: cycle: ${cycle.join(' → ')}`, { loc, hint: 'each pipeline in it would be released when the other ends, forever' }));
  }
  return errors;
}
