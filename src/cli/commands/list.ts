import { WfErrors } from '../../errors/index.js';
import { reportError } from '../errors.js';
import { out } from '../style.js';
import { locations, printJson, table, type LocationFlags } from './shared.js';

export async function cmdList(flags: LocationFlags & { json?: boolean }): Promise<number> {
  try {
    const { listProject } = await import('../../api/list.js');
    const { pipelines, errors, scheduler } = listProject(locations(flags));
    // What loads is listed; broken templates are reported on stderr (also with --json) and exit 2.
    const problems = (): number => (errors.length === 0 ? 0 : reportError(new WfErrors(errors)));
    if (flags.json) {
      printJson(pipelines);
      return problems();
    }
    if (pipelines.length === 0 && errors.length === 0) {
      process.stdout.write('no pipelines in conf/ yet: add a file like conf/hello.yml with a "type: Pipeline" template\n');
      return 0;
    }
    const rows = [['PIPELINE', 'PARAMS', 'SCHEDULE', 'NEXT RELEASE'].map((h) => out.dim(h))];
    for (const p of pipelines) {
      const params = p.params.map((x) => (x.required ? `${x.name}:${x.type}` : `[${x.name}]`)).join(' ') || '-';
      const what = (s: (typeof p.schedules)[number]) => (s.after ? `after ${s.after.pipeline} (${s.after.status})` : `${s.cron} ${s.timezone}`);
      const first = p.schedules[0];
      rows.push([out.bold(p.name), params, first ? what(first) : '-', first ? (first.upcoming.join(', ') || '-') : '-']);
      for (const s of p.schedules.slice(1)) rows.push(['', '', what(s), s.upcoming.join(', ') || '-']);
    }
    if (pipelines.length > 0) process.stdout.write(`${table(rows)}\n`);
    if (pipelines.some((p) => p.schedules.length > 0)) {
      process.stdout.write(scheduler?.alive ? out.dim(`scheduler: running (pid ${scheduler.pid} on ${scheduler.host}, heartbeat ${scheduler.heartbeatAt})\n`) : out.yellow("no scheduler is running: start one with 'wf schedule' (nothing is released without it)\n"));
    }
    return problems();
  } catch (e) {
    return reportError(e, flags.json);
  }
}
