import { realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { WfError, didYouMean } from '../errors/index.js';
import { MODULE_EXTENSIONS, isInside, isModuleFileName, realDir, scanModules } from './scan-modules.js';
import type { UsesRef } from './types.js';

/**
 * The file behind `ref.module`: the first root holding `<module>.{ts,mts,js,mjs}` or
 * `<module>/index.{ts,mts,js,mjs}`, as a real path that must stay inside that root's real path.
 * @example resolveModuleFile(parseUses('sales/fetch@v1'), ['hooks']) // → '/abs/hooks/sales.ts'
 */
export function resolveModuleFile(ref: UsesRef, roots: readonly string[]): string {
  for (const root of roots) {
    const base = resolve(root);
    const realBase = realDir(base);
    if (realBase === undefined) continue;
    const target = resolve(base, ref.module);
    if (!isInside(base, target)) throw escape(ref, root);
    const candidates = [
      ...MODULE_EXTENSIONS.map((ext) => target + ext),
      ...MODULE_EXTENSIONS.map((ext) => join(target, `index${ext}`)),
    ];
    for (const candidate of candidates) {
      if (!isModuleFileName(candidate) || !isFile(candidate)) continue;
      const real = realpathSync(candidate);
      if (!isInside(realBase, real)) throw escape(ref, root, real);
      return real;
    }
  }
  throw unknownModule(ref, roots);
}

function escape(ref: UsesRef, root: string, real?: string): WfError {
  const where = real === undefined ? '' : ` (it resolves to ${real})`;
  return new WfError('E_REGISTRY_ESCAPE', `uses: '${ref.raw}' leads outside the registry root ${root}${where}`, {
    hint: 'copy the module into the registry, or add its folder as another registry root',
  });
}

function unknownModule(ref: UsesRef, roots: readonly string[]): WfError {
  const modules = [...new Set(scanModules(roots).modules.map((m) => m.module))].sort();
  const where = roots.length === 0 ? 'no registry root is configured' : `not found in ${roots.join(', ')}`;
  const hint =
    didYouMean(ref.module, modules, 'a module') ??
    `create ${join(roots[0] ?? 'hooks', ref.module)}.ts exporting a hook named '${ref.hook}'`;
  return new WfError('E_UNKNOWN_HOOK', `uses: '${ref.raw}': hook module '${ref.module}' ${where}`, { hint });
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false; // missing (or a dangling symlink): try the next candidate
  }
}
