import { relative } from 'node:path';
import { reportError } from '../errors.js';
import { out } from '../style.js';

export async function cmdInit(flags: { json?: boolean }, dir?: string): Promise<number> {
  try {
    const { initProject } = await import('../../api/init.js');
    const r = initProject(dir ?? '.');
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      return 0;
    }
    for (const f of r.created) process.stdout.write(`${out.green('created')} ${f}\n`);
    for (const f of r.kept) process.stdout.write(`${out.dim('kept   ')} ${f} ${out.dim('(it exists: left as it was)')}\n`);
    const cd = relative(process.cwd(), r.dir);
    process.stdout.write(`\nnext: ${cd ? `cd ${cd} && ` : ''}npx wf run hello\n`);
    return 0;
  } catch (e) {
    return reportError(e, flags.json);
  }
}
