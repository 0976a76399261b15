import type { RunEvent } from '../../executor/run-events.js';
import { formatDuration } from '../../model/duration.js';
import { out, STATUS_ICON, statusColor } from '../style.js';

/**
 * Lines written together once the code that made them yields: events come in bursts (a store batch
 * at a time), and a write per line was a syscall per line (20,000 for 10,000 short stages).
 */
function burstWriter(stream: NodeJS.WritableStream = process.stdout): (line: string) => void {
  let pending = '';
  const flush = () => {
    const text = pending;
    pending = '';
    if (text) stream.write(text);
  };
  process.once('exit', flush);
  return (line) => {
    if (!pending) queueMicrotask(flush);
    pending += `${line}\n`;
  };
}

/** One line per event: for pipes, CI logs and files. */
export function lineLogRenderer(write: (line: string) => void = burstWriter()): (e: RunEvent) => void {
  const tag = (job: string) => out.dim(`[${job}]`);
  // The last stderr line of each running stage, shown again with its failure (jobs interleave).
  const lastErr = new Map<string, string>();
  return (e) => {
    switch (e.type) {
      case 'run-start':
        return write(`${out.bold('▶')} run ${out.bold(e.run.id)} ${e.run.pipeline}`);
      case 'job-start':
        return write(`${tag(e.key)} ${out.cyan('▶')} job started${e.attempt && e.attempt > 1 ? out.dim(` (attempt ${e.attempt})`) : ''}`);
      case 'notice':
        return write(`${out.yellow('!')} ${e.text}`);
      case 'stage-start':
        return write(`${tag(e.jobKey)} ${out.cyan('▶')} ${e.name}`);
      case 'log':
        if (e.stream !== 'stderr') return write(`${tag(e.jobKey)}   ${e.text}`);
        if (e.path !== null && e.text.trim()) lastErr.set(`${e.jobKey}\0${e.path}`, e.text);
        return write(`${tag(e.jobKey)}   ${out.yellow(`stderr: ${e.text}`)}`);
      case 'stage-end': {
        const color = statusColor(out, e.status);
        const key = `${e.jobKey}\0${e.path}`;
        const stderr = e.status === 'failed' ? lastErr.get(key) : undefined;
        lastErr.delete(key);
        const why = e.error ? `: ${e.error.message}${stderr ? out.yellow(` (stderr: ${clip(stderr)})`) : ''}` : '';
        const note = e.reused ? out.dim(' (kept from an earlier attempt)') : e.attempt && e.attempt > 1 ? out.dim(` (attempt ${e.attempt})`) : '';
        return write(`${tag(e.jobKey)} ${color(`${STATUS_ICON[e.status] ?? '?'} ${e.name}`)} ${out.dim(formatDuration(e.durationMs))}${note}${why}`);
      }
      case 'job-end': {
        const color = statusColor(out, e.status);
        const why = e.reason ? ` (${e.reason})` : e.error ? `: ${e.error.message}` : '';
        return write(`${tag(e.key)} ${color(`${STATUS_ICON[e.status] ?? '?'} job ${e.status}`)} ${out.dim(formatDuration(e.durationMs))}${why}`);
      }
      case 'run-end': {
        const ms = Date.parse(e.run.endedAt ?? '') - Date.parse(e.run.startedAt);
        const color = statusColor(out, e.run.status);
        // The same count as the JOBS column of `wf runs`.
        const ok = e.jobs.filter((j) => j.status === 'success').length;
        return write(`${color(`${STATUS_ICON[e.run.status] ?? '?'} run ${e.run.status}`)} ${e.run.id} in ${formatDuration(ms)}, ${ok}/${e.jobs.length} jobs ok`);
      }
    }
  };
}

function clip(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
