import { WfErrors } from '../../errors/index.js';
import { reportError } from '../errors.js';
import { out } from '../style.js';
import { locations, printJson, type LocationFlags } from './shared.js';

export async function cmdValidate(flags: LocationFlags & { json?: boolean }, names: string[] = []): Promise<number> {
  try {
    const { validate } = await import('../../api/validate.js');
    const result = await validate({ ...locations(flags), pipelines: names });
    if (!result.ok) return reportError(new WfErrors(result.errors), flags.json);
    const summary = { ok: true, pipelines: result.pipelines, schedules: result.schedules, hooks: result.hooks, errors: [] };
    if (flags.json) printJson(summary);
    else process.stdout.write(`${out.green('✓')} ${result.pipelines} pipeline${result.pipelines === 1 ? '' : 's'}, ${result.schedules} schedule${result.schedules === 1 ? '' : 's'}, ${result.hooks} hook${result.hooks === 1 ? '' : 's'} used: no problems\n`);
    return 0;
  } catch (e) {
    return reportError(e, flags.json);
  }
}
