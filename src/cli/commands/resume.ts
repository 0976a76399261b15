import { parseParamPairs } from '../../api/params.js';
import type { RunEvent } from '../../executor/run-events.js';
import { reportError } from '../errors.js';
import { lineLogRenderer } from '../render/line-log.js';
import { liveTreeRenderer } from '../render/live-tree.js';
import { describePause } from '../render/pause.js';
import { EXIT } from './run.js';
import { locations, printJson, readParamsFile, withCancelSignals, type LocationFlags } from './shared.js';

interface ResumeFlags extends LocationFlags {
  input: string[];
  inputFile?: string;
  force?: boolean;
  json?: boolean;
  maxParallel?: number;
}

export async function cmdResume(flags: ResumeFlags, id: string): Promise<number> {
  try {
    const where = locations(flags);
    const inputs = parseParamPairs(flags.input);
    const inputFile = flags.inputFile ? await readParamsFile(flags.inputFile) : undefined;
    const { resumeRun } = await import('../../api/resume.js');
    const render: ((e: RunEvent) => void) | undefined = flags.json ? undefined : process.stdout.isTTY && !process.env.CI ? liveTreeRenderer() : lineLogRenderer();
    const outcome = await withCancelSignals((signal) => resumeRun({ ...where, run: id, inputs, inputFile, force: flags.force, maxParallel: flags.maxParallel, onEvent: render, signal }));
    if (flags.json) {
      const { runDetails } = await import('../../api/history.js');
      printJson(runDetails(where.state, outcome.run.id));
    }
    if (outcome.run.status === 'paused') process.stderr.write(describePause(outcome.run));
    return EXIT[outcome.run.status] ?? 1;
  } catch (e) {
    return reportError(e, flags.json);
  }
}
