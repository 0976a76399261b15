import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { WfError } from '../errors/index.js';
import { importDdeutil, type ImportNote } from './import-ddeutil.js';

export interface ImportFilesOptions {
  /** Files or folders (their *.yml / *.yaml, at any depth). */
  paths: string[];
  /** Write each converted file here under its own name; without it nothing is written. */
  out?: string;
  /** Replace files that already exist in `out`. */
  force?: boolean;
}

export interface ImportedFile {
  source: string;
  /** Where it was written (with `out`). */
  target?: string;
  text: string;
  templates: string[];
  notes: ImportNote[];
}

/**
 * Converts ddeutil-workflow template files into wf's form and writes them to `out` (never over an
 * existing file unless `force`); all checks happen before anything is written.
 * @example importDdeutilFiles({ paths: ['old/conf'], out: 'conf' }).flatMap((f) => f.notes)
 */
export function importDdeutilFiles(o: ImportFilesOptions): ImportedFile[] {
  const sources = o.paths.flatMap((p) => expand(p));
  if (sources.length === 0) throw new WfError('E_USAGE', 'no .yml or .yaml files to import', { hint: 'wf import ddeutil path/to/workflow.yml [more files or folders]' });
  const files: ImportedFile[] = sources.map((source) => ({ source, ...importDdeutil({ file: source, text: readFileSync(source, 'utf8') }) }));
  if (o.out === undefined) return files;
  const taken = new Map<string, string>();
  for (const f of files) {
    f.target = join(o.out, basename(f.source).replace(/\.yaml$/, '.yml'));
    const other = taken.get(f.target);
    if (other) throw new WfError('E_USAGE', `'${f.source}' and '${other}' would both be written to ${f.target}`, { hint: 'import them into different --out folders, or rename one' });
    taken.set(f.target, f.source);
    if (existsSync(f.target) && !o.force) throw new WfError('E_USAGE', `${f.target} already exists`, { hint: 'pass --force to replace it, or choose another --out folder' });
  }
  mkdirSync(o.out, { recursive: true });
  for (const f of files) writeFileSync(f.target!, f.text);
  return files;
}

function expand(path: string): string[] {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new WfError('E_NOT_FOUND', `no such file or folder: ${path}`, { hint: 'give the ddeutil-workflow template files (or their folder) to import' });
  }
  if (!stat.isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => {
      const full = join(path, name);
      return statSync(full).isDirectory() ? expand(full) : /\.ya?ml$/.test(name) ? [full] : [];
    })
    .map((p) => (p.startsWith('/') ? p : relative('.', p) || p));
}
