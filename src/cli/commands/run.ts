import { parseParamPairs } from '../../api/params.js';
import type { RunEvent } from '../../executor/run-events.js';
import { reportError } from '../errors.js';
import { lineLogRenderer } from '../render/line-log.js';
import { liveTreeRenderer } from '../render/live-tree.js';
import { locations, printJson, readParamsFile, withCancelSignals, type LocationFlags } from './shared.js';

interface RunFlags extends LocationFlags {
  param: string[];
  paramsFile?: string;
  dryRun?: boolean;
  json?: boolean;
  maxParallel?: number;
}

export const EXIT: Record<string, number> = { success: 0, failed: 1, cancelled: 130, interrupted: 130, paused: 3 };

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
    const render: ((e: RunEvent) => void) | undefined = flags.json ? undefined : process.stdout.isTTY && !process.env.CI ? liveTreeRenderer() : lineLogRenderer();
    const outcome = await withCancelSignals((signal) => runPipeline({ ...where, pipeline: name, params, maxParallel: flags.maxParallel, onEvent: render, signal }));
    if (flags.json) {
      const { runDetails } = await import('../../api/history.js');
      printJson(runDetails(where.state, outcome.run.id));
    }
    if (outcome.run.status === 'paused') {
      const { describePause } = await import('../render/pause.js');
      process.stderr.write(describePause(outcome.run));
    }
    return EXIT[outcome.run.status] ?? 1;
  } catch (e) {
    return reportError(e, flags.json);
  }
}
