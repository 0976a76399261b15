import type { RunStatus } from '../../store/index.js';
import { formatDuration } from '../../model/duration.js';
import { reportError } from '../errors.js';
import { out, STATUS_ICON, statusColor } from '../style.js';
import { ago, locations, printJson, table, type LocationFlags } from './shared.js';

export async function cmdRuns(flags: LocationFlags & { limit: number; status?: RunStatus; json?: boolean }, pipeline?: string): Promise<number> {
  try {
    const { assertKnownPipeline, listRunDetails } = await import('../../api/history.js');
    const where = locations(flags);
    const runs = listRunDetails(where.state, { pipeline, status: flags.status, limit: flags.limit });
    if (runs.length === 0 && pipeline) await assertKnownPipeline(where, pipeline);
    if (flags.json) {
      printJson(runs);
      return 0;
    }
    if (runs.length === 0) {
      const what = `${flags.status ? `${flags.status} ` : ''}runs${pipeline ? ` of ${pipeline}` : ''}`;
      process.stdout.write(flags.status || pipeline ? `no ${what}\n` : "no runs yet: start one with 'wf run PIPELINE'\n");
      return 0;
    }
    const rows = [['RUN', 'PIPELINE', 'STATUS', 'STARTED', 'DURATION', 'JOBS'].map((h) => out.dim(h))];
    for (const { run, jobs } of runs) {
      const ms = run.endedAt ? Date.parse(run.endedAt) - Date.parse(run.startedAt) : Date.now() - Date.parse(run.startedAt);
      const ok = jobs.filter((j) => j.status === 'success').length;
      // A trigger: child names its parent run.
      const name = run.parentRunId ? `${run.pipeline} ${out.dim(`↳ ${run.parentRunId}`)}` : run.pipeline;
      rows.push([run.id, name, statusColor(out, run.status)(`${STATUS_ICON[run.status] ?? ''} ${run.status}`), ago(run.startedAt), formatDuration(ms), `${ok}/${jobs.length} ok`]);
    }
    process.stdout.write(`${table(rows)}\n`);
    return 0;
  } catch (e) {
    return reportError(e, flags.json);
  }
}
