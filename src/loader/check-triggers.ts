import { WfError } from '../errors/index.js';
import { pipelineStages } from '../model/walk-stages.js';
import type { Pipeline } from '../model/types.js';
import { hasTemplate } from '../template/index.js';

/**
 * A cycle of `trigger:` among literal pipeline names (a → b → a) would start child runs forever:
 * a load error at the trigger stage that closes it, naming the cycle. Names that come from an
 * expression are checked when the run reaches them.
 */
export function checkTriggerCycles(pipelines: ReadonlyMap<string, Pipeline>): WfError[] {
  const edges = new Map<string, Array<{ to: string; loc: Pipeline['loc'] }>>();
  for (const p of pipelines.values()) {
    edges.set(p.name, [...pipelineStages(p)].flatMap((s) => (s.kind === 'trigger' && !hasTemplate(s.trigger) && pipelines.has(s.trigger) ? [{ to: s.trigger, loc: s.loc }] : [])));
  }
  const errors: WfError[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const reported = new Set<string>();
  // Iterative DFS: a long trigger chain does not grow the stack.
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
        const from = stack.findIndex((f) => f.name === edge.to);
        const cycle = [...stack.slice(from).map((f) => f.name), edge.to];
        const key = [...cycle.slice(0, -1)].sort().join(',');
        if (!reported.has(key)) {
          reported.add(key);
          errors.push(new WfError('E_CYCLE', `trigger cycle: ${cycle.join(' → ')}`, { loc: edge.loc, hint: 'a pipeline may not trigger itself, directly or through others' }));
        }
      } else if (seen === undefined) {
        state.set(edge.to, 'open');
        stack.push({ name: edge.to, next: 0 });
      }
    }
  }
  return errors;
}
