import type { RunTree, StageDetails } from '../../api/history.js';
import { formatDuration } from '../../model/duration.js';
import { out, STATUS_ICON, statusColor } from '../style.js';

const span = (a: string | null, b: string | null) => (a && b ? formatDuration(Date.parse(b) - Date.parse(a)) : '');
const mark = (status: string, text: string) => statusColor(out, status)(`${STATUS_ICON[status] ?? '?'} ${text}`);

/**
 * The run as a tree: jobs, their stages nested by path (foreach items, parallel branches, case
 * branches, until passes), attempts, and child runs under the stage that started them.
 */
export function renderRunTree(tree: RunTree, indent = ''): string[] {
  const { run } = tree;
  const lines = [`${indent}${mark(run.status, `${out.bold(run.pipeline)} ${run.id}`)} ${out.dim(`${run.status} ${span(run.startedAt, run.endedAt)}${run.attempt > 1 ? ` attempt ${run.attempt}` : ''}`)}`];
  const children = new Map(tree.children.map((c) => [c.run.id, c]));
  tree.jobs.forEach((job, ji) => {
    const lastJob = ji === tree.jobs.length - 1;
    const jp = `${indent}${lastJob ? '└─ ' : '├─ '}`;
    const cont = `${indent}${lastJob ? '   ' : '│  '}`;
    const retries = job.attempts.length > 1 ? out.dim(` (${job.attempts.length} attempts)`) : '';
    lines.push(`${jp}${mark(job.status, out.bold(job.key))} ${out.dim(span(job.startedAt, job.endedAt))}${retries}${job.error ? ` ${out.red(job.error.message)}` : ''}`);
    lines.push(...stageLines(job.stages, cont, children));
  });
  return lines;
}

function stageLines(stages: StageDetails[], indent: string, children: Map<string, RunTree>): string[] {
  const lines: string[] = [];
  // A container adds two path segments per level: the pass (item, branch, case) and the child.
  const depthOf = (s: StageDetails) => (s.path.split('.').length - 1) / 2;
  stages.forEach((st, i) => {
    const depth = depthOf(st);
    const next = stages.slice(i + 1).find((s) => depthOf(s) <= depth);
    const last = !next || depthOf(next) < depth;
    const pad = `${indent}${'   '.repeat(depth)}${last ? '└─ ' : '├─ '}`;
    const where = depth > 0 ? out.dim(` [${st.path}]`) : '';
    const attempts = st.attempts.length > 1 ? out.dim(` (attempt ${st.attempt ?? st.attempts.length} of ${st.attempts.length}: ${st.attempts.map((a) => STATUS_ICON[a.status] ?? '?').join('')})`) : '';
    lines.push(`${pad}${mark(st.status, st.name)}${where} ${out.dim(span(st.startedAt, st.endedAt))}${attempts}${st.error ? ` ${out.red(st.error.message)}` : ''}`);
    const childId = st.kind === 'trigger' ? (st.outputs?.run_id as string | undefined) : undefined;
    const child = childId ? children.get(childId) : undefined;
    if (child) lines.push(...renderRunTree(child, `${indent}${'   '.repeat(depth + 1)}   `));
  });
  return lines;
}
