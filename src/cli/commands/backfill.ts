import { reportError } from '../errors.js';
import { out } from '../style.js';
import { parseInstant } from './schedule.js';
import { locations, printJson, type LocationFlags } from './shared.js';

export async function cmdBackfill(flags: LocationFlags & { from?: string; to?: string; maxParallel?: number; force?: boolean; plan?: boolean; json?: boolean }, pipeline: string): Promise<number> {
  try {
    const { backfill } = await import('../../api/schedule.js');
    const rows = await backfill({
      ...locations(flags), pipeline, from: parseInstant('--from', flags.from), to: parseInstant('--to', flags.to),
      maxParallel: flags.maxParallel, force: flags.force, plan: flags.plan,
      log: (_level, text) => !flags.json && process.stderr.write(`${text}\n`),
    });
    if (flags.json) printJson(rows);
    else if (rows.length === 0) process.stdout.write('no releases in that window\n');
    else for (const r of rows) process.stdout.write(`${r.action === 'run' ? out.green(flags.plan ? 'run ' : (r.status ?? 'run')) : out.yellow('skip')} ${r.local ?? r.instant}  ${r.runId ?? ''}${r.reason ? `  ${out.dim(r.reason)}` : ''}\n`);
    return rows.some((r) => r.status && r.status !== 'success' && r.action === 'run') ? 1 : 0;
  } catch (e) {
    return reportError(e, flags.json);
  }
}
