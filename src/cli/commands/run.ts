import { parseParamPairs } from '../../api/params.js';
import { reportError } from '../errors.js';
import { finishRun, runView } from './run-output.js';
import { locations, printJson, readParamsFile, withCancelSignals, type LocationFlags } from './shared.js';

interface RunFlags extends LocationFlags {
  param: string[];
  paramsFile?: string;
  dryRun?: boolean;
  json?: boolean;
  maxParallel?: number;
}


export async function cmdRun(flags: RunFlags, name: string): Promise<number> {
  try {
    const where = locations(flags);
    const params = { cli: parseParamPairs(flags.param), file: flags.paramsFile ? await readParamsFile(flags.paramsFile) : undefined };
    if (flags.dryRun) {
      const { dryRun, formatDryRun } = await import('../../api/dry-run.js');
      const plan = await dryRun({ ...where, pipeline: name, params });
      if (flags.json) printJson(plan);
      else process.stdout.write(formatDryRun(plan));
      return 0;
    }
    const { runPipeline } = await import('../../api/run.js');
    const view = runView(flags.json);
    const outcome = await withCancelSignals((signal) => runPipeline({ ...where, pipeline: name, params, maxParallel: flags.maxParallel, onEvent: view.onEvent, signal }), view.say);
    return await finishRun(outcome.run, where.state, flags.json);
  } catch (e) {
    return reportError(e, flags.json);
  }
}
