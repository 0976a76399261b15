import { parseParamPairs } from '../../api/params.js';
import { reportError } from '../errors.js';
import { locations, readParamsFile, withCancelSignals, type LocationFlags } from './shared.js';
import { finishRun, runView } from './run-output.js';

interface RetryFlags extends LocationFlags {
  from?: string;
  force?: boolean;
  param: string[];
  paramsFile?: string;
  json?: boolean;
  maxParallel?: number;
}

export async function cmdRetry(flags: RetryFlags, id: string): Promise<number> {
  try {
    const where = locations(flags);
    const params = { cli: parseParamPairs(flags.param), file: flags.paramsFile ? await readParamsFile(flags.paramsFile) : undefined };
    const { retryRun } = await import('../../api/retry.js');
    const view = runView(flags.json);
    const outcome = await withCancelSignals((signal) =>
      retryRun({ ...where, run: id, from: flags.from, force: flags.force, params, maxParallel: flags.maxParallel, onEvent: view.onEvent, signal }),
      view.say,
    );
    return await finishRun(outcome.run, where.state, flags.json);
  } catch (e) {
    return reportError(e, flags.json);
  }
}
