import { reportError } from '../errors.js';
import { err } from '../style.js';
import { printJson } from './shared.js';

export async function cmdImport(flags: { out?: string; force?: boolean; json?: boolean }, from: string, paths: string[] = []): Promise<number> {
  try {
    if (from !== 'ddeutil') {
      const { WfError } = await import('../../errors/index.js');
      throw new WfError('E_USAGE', `cannot import from '${from}'`, { hint: 'wf import ddeutil FILE... (ddeutil-workflow templates)' });
    }
    const { importDdeutilFiles } = await import('../../migrate/import-files.js');
    const files = importDdeutilFiles({ paths, out: flags.out, force: flags.force });
    if (flags.json) {
      printJson({ files: files.map((f) => ({ source: f.source, target: f.target ?? null, templates: f.templates, notes: f.notes, ...(f.target ? {} : { text: f.text }) })) });
      return 0;
    }
    if (!flags.out) {
      for (const f of files) process.stdout.write(`${files.length > 1 ? `# wf import ddeutil: from ${f.source}\n` : ''}${f.text}`);
    }
    const notes = files.flatMap((f) => f.notes);
    for (const n of notes) process.stderr.write(`${err.dim(`${n.file}:${n.line}:${n.col}`)}  ${n.message}\n`);
    const templates = files.reduce((n, f) => n + f.templates.length, 0);
    const where = flags.out ? ` into ${flags.out}` : '';
    process.stderr.write(`${err.green('✓')} ${templates} template${templates === 1 ? '' : 's'} from ${files.length} file${files.length === 1 ? '' : 's'} converted${where}; ${notes.length} place${notes.length === 1 ? '' : 's'} listed above to finish by hand\n`);
    if (flags.out) process.stderr.write(`${err.dim('next:')} wf validate --conf ${flags.out}\n`);
    return 0;
  } catch (e) {
    return reportError(e, flags.json);
  }
}
