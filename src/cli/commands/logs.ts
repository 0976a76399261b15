import { formatDuration } from '../../model/duration.js';
import { reportError } from '../errors.js';
import { out, STATUS_ICON, statusColor } from '../style.js';
import { locations, printJson, type LocationFlags } from './shared.js';

export async function cmdLogs(flags: LocationFlags & { job?: string; stage?: string; json?: boolean; follow?: boolean; tree?: boolean }, id: string): Promise<number> {
  try {
    if (flags.follow) return await follow(flags, id);
    if (flags.tree) {
      const { runTree } = await import('../../api/history.js');
      const tree = runTree(locations(flags).state, id);
      if (flags.json) printJson(tree);
      else {
        const { renderRunTree } = await import('../render/run-tree.js');
        process.stdout.write(`${renderRunTree(tree).join('\n')}\n`);
      }
      return 0;
    }
    const { runLogs } = await import('../../api/history.js');
    const data = runLogs(locations(flags).state, id, { job: flags.job, stage: flags.stage });
    if (flags.json) {
      printJson(data);
      return 0;
    }
    const { run } = data;
    const lines = [`${out.bold(run.pipeline)} ${run.id}  ${statusColor(out, run.status)(run.status)}  started ${run.startedAt}  params ${JSON.stringify(run.params)}`];
    for (const job of data.jobs) {
      lines.push('', `${statusColor(out, job.status)(STATUS_ICON[job.status] ?? '?')} ${out.bold(job.key)} ${job.status}${job.error ? `: ${job.error.message}` : ''}`);
      for (const st of job.stages) {
        const ms = st.startedAt && st.endedAt ? formatDuration(Date.parse(st.endedAt) - Date.parse(st.startedAt)) : '';
        lines.push(`  ${statusColor(out, st.status)(STATUS_ICON[st.status] ?? '?')} ${st.name} ${out.dim(ms)}${st.error ? ` ${out.red(st.error.message)}` : ''}`);
        for (const log of data.logs) if (log.jobKey === job.key && log.stagePath === st.path) lines.push(`      ${log.stream === 'stderr' ? out.yellow(log.text) : log.text}`);
        const outputs = Object.entries(st.outputs ?? {}).filter(([k]) => k !== 'stdout');
        if (outputs.length) lines.push(`      ${out.dim('outputs:')} ${JSON.stringify(Object.fromEntries(outputs))}`);
      }
      if (job.outputs && Object.keys(job.outputs).length) lines.push(`  ${out.dim('job outputs:')} ${JSON.stringify(job.outputs)}`);
    }
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } catch (e) {
    return reportError(e, flags.json);
  }
}

/** Streams a run's events (whichever process runs it) until it ends; exits with the run's exit code. */
async function follow(flags: LocationFlags & { json?: boolean }, id: string): Promise<number> {
  const { followRun } = await import('../../api/follow.js');
  const { lineLogRenderer } = await import('../render/line-log.js');
  const { withCancelSignals } = await import('./shared.js');
  const { EXIT } = await import('./run-output.js');
  const render = flags.json ? (e: unknown) => process.stdout.write(`${JSON.stringify(e)}\n`) : lineLogRenderer();
  // Ctrl-C stops following; the run itself goes on.
  const run = await withCancelSignals((signal) => followRun({ state: locations(flags).state, run: id, onEvent: render, signal }));
  if (run.status === 'interrupted' && !flags.json) process.stdout.write(`${statusColor(out, 'interrupted')('!')} run ${run.id} interrupted: its process is gone\n`);
  return EXIT[run.status] ?? 1;
}
