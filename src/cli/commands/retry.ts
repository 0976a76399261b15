import { parseParamPairs } from '../../api/params.js';
import type { RunEvent } from '../../executor/run-events.js';
import { reportError } from '../errors.js';
import { lineLogRenderer } from '../render/line-log.js';
import { liveTreeRenderer } from '../render/live-tree.js';
import { locations, printJson, readParamsFile, withCancelSignals, type LocationFlags } from './shared.js';
import { EXIT } from './run.js';

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
    const render: ((e: RunEvent) => void) | undefined = flags.json ? undefined : process.stdout.isTTY && !process.env.CI ? liveTreeRenderer() : lineLogRenderer();
    const outcome = await withCancelSignals((signal) =>
      retryRun({ ...where, run: id, from: flags.from, force: flags.force, params, maxParallel: flags.maxParallel, onEvent: render, signal }),
    );
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
