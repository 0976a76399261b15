import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { createRequire } from 'node:module';
import { WfError } from '../errors/index.js';

export interface ConfFile {
  /** Path as shown to users: relative to the working directory when inside it. */
  file: string;
  text: string;
  /** Top-level template names found by a cheap line scan, or null when the file needs a full parse to know. */
  names: Array<{ name: string; line: number }> | null;
  /** Why this entry could not be read (a FIFO, a symlink loop, a dangling link): reported at it; the rest loads. */
  problem?: WfError;
  /** The file's size, times and inode, taken before `text` was read (the compiled-model cache trusts an unchanged file without hashing it). */
  stat?: FileStamp;
}

export interface FileStamp {
  /** size, mtime, ctime, device and inode: any write changes one of them (within the file system's time granularity). */
  id: string;
  /** Last change (mtime or ctime, the later), ms since the epoch. */
  changed: number;
  /** When the stamp was taken (just before), ms since the epoch. */
  at: number;
}

const CONF_EXT = /\.ya?ml$/i;

/** Finds every template file under `confDir`, honouring `.wfignore` (gitignore syntax). */
export function discoverConf(confDir: string): ConfFile[] {
  let st;
  try {
    st = statSync(confDir);
  } catch {
    throw new WfError('E_NOT_FOUND', `conf folder '${confDir}' does not exist`, {
      hint: 'run wf from your project folder, or point at the templates with --conf DIR (or WF_CONF)',
    });
  }
  if (!st.isDirectory()) throw new WfError('E_USAGE', `'${confDir}' is not a folder`, { hint: '--conf takes a folder of *.yml templates' });
  const ignored = loadIgnore(confDir);
  const files: ConfFile[] = [];
  walk(confDir, confDir, ignored, files, new Set([safeRealpath(confDir)]));
  files.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return files;
}

type IgnoreFn = (relPath: string, isDir: boolean) => boolean;

function loadIgnore(confDir: string): IgnoreFn {
  let text: string;
  try {
    text = readFileSync(join(confDir, '.wfignore'), 'utf8');
  } catch {
    return () => false;
  }
  // `ignore` is CommonJS; createRequire keeps this lazy and typed enough.
  const ignore = createRequire(import.meta.url)('ignore') as () => { add(p: string): { ignores(p: string): boolean } };
  const matcher = ignore().add(text);
  return (rel, isDir) => matcher.ignores(isDir ? `${rel}/` : rel);
}

/**
 * Reads every *.yml/*.yaml under `dir`. Only regular files are opened (a FIFO would block every
 * command); a symlink is followed once (a loop or a dangling link is reported at that entry);
 * a folder named like a file is a folder. One bad entry never stops the others.
 */
function walk(root: string, dir: string, ignored: IgnoreFn, out: ConfFile[], seen: Set<string>): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    out.push(problemEntry(dir, `cannot read folder: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`));
    return;
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const full = join(dir, entry.name);
    const rel = relative(root, full).split(sep).join('/');
    const isYaml = CONF_EXT.test(entry.name);
    let st;
    try {
      st = entry.isSymbolicLink() || (!entry.isDirectory() && !entry.isFile()) ? statSync(full) : entry;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (isYaml || code === 'ELOOP') out.push(problemEntry(full, code === 'ELOOP' ? 'a symlink loop' : code === 'ENOENT' ? 'a dangling symlink (its target does not exist)' : `cannot read it (${code})`));
      continue;
    }
    if (st.isDirectory()) {
      const real = safeRealpath(full);
      if (seen.has(real) || ignored(rel, true)) continue; // a link back up the tree is walked once
      seen.add(real);
      walk(root, full, ignored, out, seen);
    } else if (isYaml && !ignored(rel, false)) {
      if (!st.isFile()) {
        out.push(problemEntry(full, 'not a regular file (a FIFO, socket or device): not read'));
        continue;
      }
      // The stamp: taken again (a symlink's target was stat'ed above), just after `at`, just before the read.
      const at = Date.now();
      let stats;
      try {
        stats = statSync(full);
      } catch (e) {
        out.push(problemEntry(full, `cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`));
        continue;
      }
      // Cost stays bounded: a conf file is a few KB; tens of MB is generated data, not a template.
      const size = stats.size;
      if (size > MAX_CONF_BYTES) {
        out.push(problemEntry(full, `${(size / 1024 / 1024).toFixed(0)} MB, more than the ${MAX_CONF_BYTES / 1024 / 1024} MB a conf file may hold: not read`));
        continue;
      }
      let text: string;
      try {
        text = readFileSync(full, 'utf8');
      } catch (e) {
        out.push(problemEntry(full, `cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`));
        continue;
      }
      const stat = { id: `${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}:${stats.dev}:${stats.ino}`, changed: Math.max(stats.mtimeMs, stats.ctimeMs), at };
      out.push({ file: displayPath(full), text, names: scanNames(text), stat });
    }
  }
}

const MAX_CONF_BYTES = 16 * 1024 * 1024;

function problemEntry(full: string, why: string): ConfFile {
  const file = displayPath(full);
  return {
    file,
    text: '',
    names: [],
    problem: new WfError('E_CONF_ENTRY', `${file}: ${why}`, { loc: { file, line: 1, col: 1 }, hint: 'remove it from conf/ or list it in conf/.wfignore; the other files are read as usual' }),
  };
}

function safeRealpath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

export function displayPath(full: string): string {
  const rel = relative(process.cwd(), full);
  return rel && !rel.startsWith('..') ? rel : full;
}

const NOT_A_PLAIN_STRING = /^(?:[0-9]|(?:true|false|null)$)/i;
const KEY_LINE = /^(?:"((?:[^"\\]|\\.)*)"|'((?:[^']|'')*)'|([A-Za-z0-9_$][^:#]*?))[ \t]*:(?:[ \t]|$)/;

/**
 * Top-level keys from the text alone, so `wf run X` can skip parsing files that do not define X.
 * Returns null for anything unusual (flow maps, anchors, directives): those files get a full parse.
 */
export function scanNames(text: string): Array<{ name: string; line: number }> | null {
  const names: Array<{ name: string; line: number }> = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.endsWith('\r') ? lines[i]!.slice(0, -1) : lines[i]!;
    const c = line[0];
    if (c === undefined || c === ' ' || c === '\t' || c === '#') continue;
    const m = KEY_LINE.exec(line);
    if (!m) return null;
    const name = m[1] ?? m[2]?.replace(/''/g, "'") ?? m[3]!;
    if (m[1]?.includes('\\')) return null;
    // A plain key YAML reads as a number, bool or null (`1.0`, `0x1F`, `TRUE`) is named by its
    // value, not its spelling: let the full parse say what the name is.
    if (m[3] !== undefined && NOT_A_PLAIN_STRING.test(name)) return null;
    names.push({ name, line: i + 1 });
  }
  return names;
}
