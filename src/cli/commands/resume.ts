import { parseParamPairs } from '../../api/params.js';
import { reportError } from '../errors.js';
import { finishRun, runView } from './run-output.js';
import { locations, readParamsFile, withCancelSignals, type LocationFlags } from './shared.js';

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
    const view = runView(flags.json);
    const outcome = await withCancelSignals((signal) => resumeRun({ ...where, run: id, inputs, inputFile, force: flags.force, maxParallel: flags.maxParallel, onEvent: view.onEvent, signal }), view.say);
    return await finishRun(outcome.run, where.state, flags.json);
  } catch (e) {
    return reportError(e, flags.json);
  }
}
