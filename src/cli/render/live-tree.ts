import type { RunEvent } from '../../executor/run-events.js';
import { formatDuration } from '../../model/duration.js';
import { out, STATUS_ICON, statusColor } from '../style.js';

interface StageView { name: string; status: string; started: number; ms: number | null; last: string }
interface JobView { key: string; status: string; started: number; ms: number | null; stages: Map<string, StageView>; note: string }

const FRAME_MS = 80;

/**
 * A live tree of jobs and stages with status and durations, redrawn in place on a TTY.
 * The finished tree stays on screen; failed stages keep their last log line.
 */
export function liveTreeRenderer(stream: NodeJS.WriteStream = process.stdout): (e: RunEvent) => void {
  const jobs = new Map<string, JobView>();
  let header = '';
  let footer = '';
  let drawnLines = 0;
  let timer: NodeJS.Timeout | undefined;
  let ticker: NodeJS.Timeout | undefined;

  const draw = () => {
    timer = undefined;
    const now = Date.now();
    const lines = [header];
    // Redrawing in place only works within the screen: past that, finished jobs fold into a count.
    const budget = Math.max(5, (stream.rows || 24) - 3); // a pty may report 0 rows
    const full = [...jobs.values()].reduce((n, j) => n + 1 + j.stages.size, 0) <= budget;
    const folded = full ? [] : [...jobs.values()].filter((j) => j.status === 'success' || j.status === 'skipped');
    if (folded.length) lines.push(`${icon('success')} ${folded.length} job${folded.length === 1 ? '' : 's'} done`);
    for (const job of jobs.values()) {
      if (!full && folded.includes(job)) continue;
      const ms = job.ms ?? now - job.started;
      lines.push(`${icon(job.status)} ${out.bold(job.key)} ${out.dim(formatDuration(ms))}${job.note ? out.dim(` ${job.note}`) : ''}`);
      for (const st of job.stages.values()) {
        const sms = st.ms ?? now - st.started;
        const detail = st.status === 'running' || st.status === 'failed' ? out.dim(` ${st.last.slice(0, Math.max(10, (stream.columns ?? 100) - st.name.length - 20))}`) : '';
        lines.push(`   ${icon(st.status)} ${st.name} ${out.dim(formatDuration(sms))}${detail}`);
      }
    }
    if (footer) lines.push(footer);
    const clear = drawnLines > 0 ? `\x1b[${drawnLines}A\x1b[0J` : '';
    stream.write(`${clear}${lines.join('\n')}\n`);
    drawnLines = lines.length;
  };
  const schedule = () => {
    timer ??= setTimeout(draw, FRAME_MS);
  };

  return (e) => {
    switch (e.type) {
      case 'run-start':
        header = `${out.bold('▶')} ${e.run.pipeline} ${out.dim(e.run.id)}`;
        ticker = setInterval(schedule, 500);
        ticker.unref();
        break;
      case 'job-start':
        jobs.set(e.key, { key: e.key, status: 'running', started: e.ts, ms: null, stages: new Map(), note: '' });
        break;
      case 'job-end': {
        const job = jobs.get(e.key) ?? { key: e.key, status: e.status, started: e.ts, ms: 0, stages: new Map(), note: '' };
        job.status = e.status;
        job.ms = e.durationMs;
        job.note = e.reason ? `(${e.reason})` : e.error && job.stages.size === 0 ? e.error.message : '';
        jobs.set(e.key, job);
        break;
      }
      case 'stage-start':
        jobs.get(e.jobKey)?.stages.set(e.path, { name: e.name, status: 'running', started: e.ts, ms: null, last: '' });
        break;
      case 'stage-end': {
        const st = jobs.get(e.jobKey)?.stages.get(e.path);
        if (st) Object.assign(st, { status: e.status, ms: e.durationMs, last: e.error ? e.error.message : st.last });
        break;
      }
      case 'log': {
        const st = e.path === null ? undefined : jobs.get(e.jobKey)?.stages.get(e.path);
        if (st) st.last = e.text;
        break;
      }
      case 'run-end': {
        if (ticker) clearInterval(ticker);
        if (timer) clearTimeout(timer);
        const ms = Date.parse(e.run.endedAt ?? '') - Date.parse(e.run.startedAt);
        footer = `${statusColor(out, e.run.status)(`${STATUS_ICON[e.run.status] ?? '?'} run ${e.run.status}`)} in ${formatDuration(ms)}  ${out.dim(`wf logs ${e.run.id}`)}`;
        draw();
        return;
      }
    }
    schedule();
  };
}

function icon(status: string): string {
  return statusColor(out, status)(STATUS_ICON[status] ?? '?');
}
