import { WfError } from '../../errors/index.js';
import { parseDuration } from '../../model/duration.js';
import { reportError } from '../errors.js';
import { err, out } from '../style.js';
import { locations, printJson, type LocationFlags } from './shared.js';

interface ScheduleFlags extends LocationFlags {
  once?: boolean;
  at?: string;
  grace: string;
  plan?: boolean;
  from?: string;
  to?: string;
  json?: boolean;
  maxParallel?: number;
}

/** An ISO 8601 instant from the command line (a time without an offset is UTC). */
export function parseInstant(flag: string, value: string | undefined): Date {
  if (value === undefined) throw new WfError('E_USAGE', `${flag} is required here`, { hint: `${flag} 2025-01-01T02:00:00Z` });
  const text = /[zZ]|[+-]\d\d:?\d\d$/.test(value) || !value.includes('T') ? value : `${value}Z`;
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) throw new WfError('E_USAGE', `${flag} '${value}' is not an ISO 8601 instant`, { hint: `e.g. ${flag} 2025-01-01T02:00:00Z or 2025-01-01T09:00:00+07:00` });
  return d;
}

const line = (level: 'info' | 'warn' | 'error', text: string) => {
  const stamp = new Date().toISOString();
  const mark = level === 'error' ? err.red('error') : level === 'warn' ? err.yellow('warn ') : err.dim('info ');
  process.stderr.write(`${err.dim(stamp)} ${mark} ${text}\n`);
};

export async function cmdSchedule(flags: ScheduleFlags): Promise<number> {
  try {
    const where = locations(flags);
    const api = await import('../../api/schedule.js');
    if (flags.plan) {
      const plan = api.planSchedule({ conf: where.conf, from: parseInstant('--from', flags.from), to: parseInstant('--to', flags.to) });
      if (flags.json) printJson(plan);
      else if (plan.length === 0) process.stdout.write('no releases in that window\n');
      else for (const r of plan) process.stdout.write(`${r.action === 'run' ? out.green('run ') : out.yellow('skip')} ${r.instant}  ${r.local ?? ''}  ${out.bold(r.pipeline)}  ${out.dim(r.schedule)}${r.reason ? `  ${out.yellow(r.reason)}` : ''}\n`);
      return 0;
    }
    if (flags.once) {
      const releases = await api.scheduleOnce({ ...where, at: flags.at ? parseInstant('--at', flags.at) : undefined, maxParallel: flags.maxParallel, log: line });
      if (flags.json) printJson(releases);
      else if (releases.length === 0) process.stdout.write('nothing due\n');
      else for (const r of releases) process.stdout.write(`${r.pipeline} ${r.instant} ${r.runId ?? '-'} ${r.status}\n`);
      return 0;
    }
    const graceMs = parseDuration(flags.grace);
    if (graceMs === undefined) throw new WfError('E_USAGE', `--grace '${flags.grace}' is not a duration`, { hint: 'e.g. --grace 30s, 2m' });
    const scheduler = await api.startScheduler({ ...where, maxParallel: flags.maxParallel, log: line });
    line('info', `scheduler started (pid ${process.pid}); ${scheduler.scheduleList.length} schedule(s); SIGTERM or Ctrl-C stops it, SIGHUP reloads conf/`);
    await new Promise<void>((resolve) => {
      const stop = (sig: string) => {
        line('info', `${sig}: no new releases; letting running runs finish (up to ${flags.grace})`);
        process.off('SIGTERM', onTerm);
        process.off('SIGINT', onInt);
        void scheduler.close(graceMs).then(resolve);
      };
      const onTerm = () => stop('SIGTERM');
      const onInt = () => stop('SIGINT');
      process.on('SIGTERM', onTerm);
      process.on('SIGINT', onInt);
      process.on('SIGHUP', () => void scheduler.reload());
    });
    line('info', 'scheduler stopped');
    return 0;
  } catch (e) {
    return reportError(e, flags.json);
  }
}
