import { readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve, sep, isAbsolute } from 'node:path';
import { WfError } from '../errors/index.js';

/** File kinds a registry module may have, in the order `uses:` resolution tries them. */
export const MODULE_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'] as const;

export interface ModuleFile {
  /** `uses:` module path: relative path without extension, `/`-separated; `x/index.ts` is `x`. */
  module: string;
  root: string;
  file: string;
}

export interface ScanResult {
  modules: ModuleFile[];
  problems: Array<{ file: string; error: WfError }>;
}

/** True when `child` is strictly below `parent` (both absolute, already real paths if it matters). */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}

/** A file name that can be a module (`.d.ts` declarations are not). */
export function isModuleFileName(name: string): boolean {
  return (MODULE_EXTENSIONS as readonly string[]).includes(extname(name)) && !/\.d\.m?ts$/.test(name);
}

/**
 * Every module file under every root, any depth; skips dot-folders and `node_modules`.
 * A symlink that leads out of its root is reported, not followed.
 */
export function scanModules(roots: readonly string[]): ScanResult {
  const result: ScanResult = { modules: [], problems: [] };
  for (const root of roots) {
    const base = resolve(root);
    const realBase = realDir(base);
    if (realBase !== undefined) walk(base, realBase, base, new Set([realBase]), result);
  }
  return result;
}

function walk(root: string, realRoot: string, dir: string, seen: Set<string>, out: ScanResult): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  } catch (cause) {
    out.problems.push({ file: dir, error: new WfError('E_HOOK_MODULE', `cannot read registry folder ${dir}: ${String(cause)}`, { cause }) });
    return;
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = join(dir, entry.name);
    const isDir = entry.isDirectory() || (entry.isSymbolicLink() && statKind(full) === 'dir');
    const isFile = entry.isFile() || (entry.isSymbolicLink() && statKind(full) === 'file');
    if (!isDir && !(isFile && isModuleFileName(entry.name))) continue;
    const real = realpathSync(full);
    if (isDir && seen.has(real)) continue; // a symlink loop, or a second path to a folder already walked
    if (!isInside(realRoot, real)) {
      const error = new WfError('E_REGISTRY_ESCAPE', `${full} links out of the registry root ${root}`, {
        hint: 'copy the module into the registry, or add its folder as another registry root',
      });
      out.problems.push({ file: full, error });
      continue;
    }
    if (isDir) {
      seen.add(real);
      walk(root, realRoot, full, seen, out);
      continue;
    }
    const rel = relative(root, full).split(sep).join('/');
    const noExt = rel.slice(0, -extname(rel).length);
    const module = basename(noExt) === 'index' ? dirname(noExt) : noExt;
    if (module !== '.') out.modules.push({ module, root, file: full }); // a root's own index.* has no name
  }
}

function statKind(path: string): 'dir' | 'file' | 'other' {
  try {
    const st = statSync(path);
    return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
  } catch {
    return 'other'; // a dangling symlink is nothing we can load
  }
}

/** The real path of a root folder, or undefined when it does not exist. */
export function realDir(path: string): string | undefined {
  return statKind(path) === 'dir' ? realpathSync(path) : undefined;
}
