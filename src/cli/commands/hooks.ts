import type { HookInputSpec } from '../../registry/types.js';
import { reportError } from '../errors.js';
import { out } from '../style.js';
import { locations, printJson, type LocationFlags } from './shared.js';

export async function cmdHooks(flags: LocationFlags & { json?: boolean }): Promise<number> {
  try {
    const { listHooks } = await import('../../registry/index.js');
    const where = locations(flags);
    const hooks = await listHooks(where.registry);
    // A broken module is a definition error: listed with the rest, and the exit code says so.
    const broken = hooks.some((h) => 'error' in h) ? 2 : 0;
    if (flags.json) {
      printJson(hooks.map((h) => ('error' in h ? { file: h.file, error: h.error.toJSON() } : h)));
      return broken;
    }
    if (hooks.length === 0) {
      process.stdout.write(`no hooks in ${where.registry.join(', ')}: add a module such as hooks/my-module.ts exporting defineHook(...)\n`);
      return 0;
    }
    for (const h of hooks) {
      if ('error' in h) {
        const message = h.error.message.startsWith(`${h.file}: `) ? h.error.message.slice(h.file.length + 2) : h.error.message;
        process.stdout.write(`${out.red('✗')} ${h.file}: ${h.error.code} ${message}\n`);
        continue;
      }
      const fields = (specs: Record<string, HookInputSpec>) => Object.entries(specs).map(([k, s]) => `${k}: ${s.type}${s.required ? '' : ` = ${JSON.stringify(s.default)}`}`).join(', ');
      const outputs = h.outputs ? `\n    outputs { ${fields(h.outputs)} }` : '';
      process.stdout.write(`${out.bold(h.uses)}${h.desc ? `  ${out.dim(h.desc)}` : ''}\n    with { ${fields(h.inputs)} }${outputs}\n`);
    }
    return broken;
  } catch (e) {
    return reportError(e, flags.json);
  }
}
