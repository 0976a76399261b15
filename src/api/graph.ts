import type { Pipeline } from '../model/types.js';
import { planJobs } from '../planner/index.js';

export type GraphFormat = 'ascii' | 'mermaid' | 'dot';

/** Depth of each job: 0 for jobs with no needs, else 1 + the deepest need. */
function levels(p: Pipeline): Map<string, number> {
  const plan = planJobs(p.jobs.map((j) => ({ id: j.id, needs: j.needs })));
  const depth = new Map<string, number>();
  for (const id of plan.order) depth.set(id, Math.max(-1, ...(plan.needs.get(id) ?? []).map((n) => depth.get(n)!)) + 1);
  return depth;
}

function label(p: Pipeline, id: string): string {
  const job = p.jobs.find((j) => j.id === id)!;
  const axes = job.matrix && typeof job.matrix.axes === 'object' && job.matrix.axes ? Object.keys(job.matrix.axes as object) : [];
  return job.matrix ? `${id} [matrix${axes.length ? `: ${axes.join(', ')}` : ''}]` : id;
}

/**
 * Draws the job graph.
 * @example renderGraph(pipeline, 'mermaid') // "graph TD\n  n0[\"extract\"] --> n1[\"load\"]…"
 */
export function renderGraph(p: Pipeline, format: GraphFormat): string {
  const ids = p.jobs.map((j) => j.id);
  const edges = p.jobs.flatMap((j) => j.needs.map((n) => [n, j.id] as const));
  if (format === 'mermaid') {
    const node = (id: string) => `n${ids.indexOf(id)}["${label(p, id).replace(/"/g, '#quot;')}"]`;
    const lines = ['graph TD', ...ids.filter((id) => !edges.some(([a, b]) => a === id || b === id)).map((id) => `  ${node(id)}`), ...edges.map(([a, b]) => `  ${node(a)} --> ${node(b)}`)];
    return `${lines.join('\n')}\n`;
  }
  if (format === 'dot') {
    const q = (s: string) => JSON.stringify(s);
    const lines = [`digraph ${q(p.name)} {`, '  rankdir=LR;', '  node [shape=box];', ...ids.map((id) => `  ${q(id)} [label=${q(label(p, id))}];`), ...edges.map(([a, b]) => `  ${q(a)} -> ${q(b)};`), '}'];
    return `${lines.join('\n')}\n`;
  }
  const depth = levels(p);
  const maxDepth = Math.max(0, ...depth.values());
  const lines = [`${p.name}`];
  for (let d = 0; d <= maxDepth; d++) {
    const here = ids.filter((id) => depth.get(id) === d);
    lines.push(`${d === 0 ? '┌' : '├'}─ level ${d}`);
    for (const id of here) {
      const needs = p.jobs.find((j) => j.id === id)!.needs;
      lines.push(`│   ${label(p, id)}${needs.length ? `  ◀── ${needs.join(', ')}` : ''}`);
    }
  }
  lines.push('└─ end');
  return `${lines.join('\n')}\n`;
}
