import { reportError } from '../errors.js';
import { out, statusColor } from '../style.js';
import { locations, printJson, type LocationFlags } from './shared.js';

export async function cmdCancel(flags: LocationFlags & { json?: boolean; wait?: number }, id: string): Promise<number> {
  try {
    const { cancelRun } = await import('../../api/cancel.js');
    const outcome = await cancelRun({ state: locations(flags).state, run: id, timeoutMs: flags.wait !== undefined ? flags.wait * 1000 : undefined });
    const { run } = outcome;
    if (flags.json) printJson({ id: run.id, status: run.status, cancelled: outcome.cancelled });
    else if (outcome.cancelled) process.stdout.write(`${statusColor(out, 'cancelled')('⊘')} run ${run.id} (${run.pipeline}) cancelled\n`);
    else process.stdout.write(`run ${run.id} (${run.pipeline}) had already ended: ${statusColor(out, run.status)(run.status)}\n`);
    return 0;
  } catch (e) {
    return reportError(e, flags.json);
  }
}
