import type { RunEvent } from '../../executor/run-events.js';
import { formatDuration } from '../../model/duration.js';
import { out, STATUS_ICON, statusColor } from '../style.js';

interface LogLine { stream: string; text: string }
interface StageView { name: string; status: string; started: number; ms: number | null; tail: LogLine[]; error: string }
interface JobView { key: string; jobId: string; status: string; started: number; ms: number | null; stages: Map<string, StageView>; note: string }

const FRAME_MS = 80;
/** Lines of output kept per stage: shown under a failed stage, and (when they fit) under a finished one. */
const TAIL = 5;
const SHOWN_AFTER_SUCCESS = 3;
const DONE = new Set(['success', 'failed', 'skipped', 'cancelled', 'upstream_failed', 'interrupted', 'paused']);

export interface LiveTree {
  onEvent: (e: RunEvent) => void;
  /** A message drawn under the tree (writing it to the terminal directly would break the redraw). */
  say: (text: string) => void;
}

/**
 * A live tree of jobs and stages with status and durations, redrawn in place on a TTY: queued jobs
 * from the start, "n of m jobs" in the header, the running stage's last line beside it, a failed
 * stage's last lines of output under it, and what finished stages printed while it fits the screen.
 * The finished tree stays on screen with the same job count `wf runs` shows.
 */
export function liveTreeRenderer(stream: NodeJS.WriteStream = process.stdout): LiveTree {
  const jobs = new Map<string, JobView>();
  const notes: string[] = [];
  let pipeline = '';
  let runId = '';
  let footer = '';
  let drawnLines = 0;
  let timer: NodeJS.Timeout | undefined;
  let ticker: NodeJS.Timeout | undefined;

  const width = () => Math.max(20, (stream.columns || 100) - 8);
  const clip = (text: string) => (text.length > width() ? `${text.slice(0, width() - 1)}…` : text);

  const stageLines = (st: StageView, withOutput: boolean, now: number): string[] => {
    const sms = st.ms ?? now - st.started;
    const last = st.tail.at(-1)?.text ?? '';
    const inline = st.status === 'running' && last ? out.dim(` ${clip(last).slice(0, Math.max(10, width() - st.name.length - 12))}`) : '';
    const why = st.error ? ` ${out.red(st.error)}` : '';
    const lines = [`   ${icon(st.status)} ${st.name} ${out.dim(formatDuration(sms))}${inline}${why}`];
    if (st.status === 'failed') {
      for (const l of st.tail) lines.push(`     ${out.dim('│')} ${l.stream === 'stderr' ? out.yellow(clip(l.text)) : clip(l.text)}`);
    } else if (withOutput && st.status === 'success') {
      for (const l of st.tail.slice(-SHOWN_AFTER_SUCCESS)) lines.push(`     ${out.dim('│')} ${out.dim(clip(l.text))}`);
    }
    return lines;
  };

  const draw = () => {
    timer = undefined;
    const now = Date.now();
    const all = [...jobs.values()];
    const done = all.filter((j) => DONE.has(j.status)).length;
    const lines = [`${out.bold('▶')} ${pipeline} ${out.dim(runId)}  ${out.dim(`${done} of ${all.length} job${all.length === 1 ? '' : 's'} done`)}`];
    // Redrawing in place only works within the screen: first finished stages' output goes, then
    // finished jobs fold into a count.
    const budget = Math.max(5, (stream.rows || 24) - 3 - notes.length); // a pty may report 0 rows
    const render = (job: JobView, withOutput: boolean): string[] => {
      const ms = job.ms ?? (job.status === 'queued' ? null : now - job.started);
      const time = ms === null ? out.dim('queued') : out.dim(formatDuration(ms));
      const head = `${icon(job.status)} ${out.bold(job.key)} ${time}${job.note ? out.dim(` ${job.note}`) : ''}`;
      return [head, ...[...job.stages.values()].flatMap((st) => stageLines(st, withOutput, now))];
    };
    let body = all.flatMap((j) => render(j, true));
    if (body.length > budget) body = all.flatMap((j) => render(j, false));
    if (body.length > budget) {
      const folded = all.filter((j) => j.status === 'success' || j.status === 'skipped');
      body = folded.length ? [`${icon('success')} ${folded.length} job${folded.length === 1 ? '' : 's'} done`] : [];
      body.push(...all.filter((j) => !folded.includes(j)).flatMap((j) => render(j, false)));
    }
    lines.push(...body, ...notes.map((n) => out.yellow(`! ${n}`)));
    if (footer) lines.push(footer);
    const clear = drawnLines > 0 ? `\x1b[${drawnLines}A\x1b[0J` : '';
    stream.write(`${clear}${lines.join('\n')}\n`);
    drawnLines = lines.length;
  };
  const schedule = () => {
    timer ??= setTimeout(draw, FRAME_MS);
  };

  const onEvent = (e: RunEvent): void => {
    switch (e.type) {
      case 'run-start':
        pipeline = e.run.pipeline;
        runId = e.run.id;
        for (const id of e.jobs ?? []) jobs.set(id, { key: id, jobId: id, status: 'queued', started: 0, ms: null, stages: new Map(), note: '' });
        ticker = setInterval(schedule, 500);
        ticker.unref();
        break;
      case 'job-start': {
        // The first instance of a job takes its queued line's place; further matrix cells follow it.
        const queued = jobs.get(e.jobId);
        const view: JobView = { key: e.key, jobId: e.jobId, status: 'running', started: e.ts, ms: null, stages: new Map(), note: '' };
        if (queued?.status === 'queued' && e.key !== e.jobId) {
          const entries = [...jobs.entries()].map(([k, v]): [string, JobView] => (k === e.jobId ? [e.key, view] : [k, v]));
          jobs.clear();
          for (const [k, v] of entries) jobs.set(k, v);
        } else jobs.set(e.key, view);
        break;
      }
      case 'job-end': {
        // A matrix job ends once more as a whole after its cells: the cells are its lines.
        if (!jobs.has(e.key) && [...jobs.values()].some((j) => j.jobId === e.jobId)) break;
        const job = jobs.get(e.key) ?? { key: e.key, jobId: e.jobId, status: e.status, started: e.ts, ms: 0, stages: new Map(), note: '' };
        job.status = e.status;
        job.ms = e.durationMs;
        job.note = e.reason ? `(${e.reason})` : e.error && job.stages.size === 0 ? e.error.message : '';
        jobs.set(e.key, job);
        break;
      }
      case 'stage-start':
        jobs.get(e.jobKey)?.stages.set(e.path, { name: e.name, status: 'running', started: e.ts, ms: null, tail: [], error: '' });
        break;
      case 'stage-end': {
        const st = jobs.get(e.jobKey)?.stages.get(e.path);
        if (st) Object.assign(st, { status: e.status, ms: e.durationMs, error: e.error?.message ?? '' });
        break;
      }
      case 'log': {
        const st = e.path === null ? undefined : jobs.get(e.jobKey)?.stages.get(e.path);
        if (st && e.text.trim()) {
          st.tail.push({ stream: e.stream, text: e.text });
          if (st.tail.length > TAIL) st.tail.shift();
        }
        break;
      }
      case 'notice':
        notes.push(e.text);
        break;
      case 'run-end': {
        if (ticker) clearInterval(ticker);
        if (timer) clearTimeout(timer);
        const ms = Date.parse(e.run.endedAt ?? '') - Date.parse(e.run.startedAt);
        // The same count as the JOBS column of `wf runs`: job records that succeeded, of all.
        const ok = e.jobs.filter((j) => j.status === 'success').length;
        const status = statusColor(out, e.run.status)(`${STATUS_ICON[e.run.status] ?? '?'} run ${e.run.status}`);
        footer = `${status} in ${formatDuration(ms)}, ${ok}/${e.jobs.length} jobs ok  ${out.dim(`wf logs ${e.run.id}`)}`;
        draw();
        return;
      }
    }
    schedule();
  };
  return {
    onEvent,
    say: (text) => {
      notes.push(text);
      schedule();
    },
  };
}

function icon(status: string): string {
  return statusColor(out, status)(STATUS_ICON[status] ?? '·');
}
