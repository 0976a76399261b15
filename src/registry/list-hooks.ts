import { diagnosticsOf, WfError } from '../errors/index.js';
import { loadHookModule } from './load-hook-module.js';
import { parseUses } from './parse-uses.js';
import { usesOf } from './resolve-hook.js';
import { resolveModuleFile } from './resolve-module-file.js';
import { scanModules } from './scan-modules.js';
import type { HookInputSpec } from './types.js';

export interface ListedHook {
  uses: string;
  module: string;
  name: string;
  tag: string | null;
  inputs: Record<string, HookInputSpec>;
  outputs?: Record<string, HookInputSpec>;
  file: string;
  desc?: string;
}

export interface BrokenModule {
  file: string;
  error: WfError;
}

/**
 * Every hook of every module in every root (what `wf hooks` prints). A module that fails to load is
 * listed with its error instead of failing the listing; a module shadowed by an earlier root is left out.
 * @example await listHooks(['hooks']) // → [{ uses: 'sales/fetch@v1', … }, { file: '…/broken.ts', error }]
 */
export async function listHooks(roots: readonly string[]): Promise<Array<ListedHook | BrokenModule>> {
  const { modules, problems } = scanModules(roots);
  const out: Array<ListedHook | BrokenModule> = [...problems];
  const first = new Map<string, string>();
  for (const m of modules) if (!first.has(m.module)) first.set(m.module, m.file);
  const names = [...first.keys()].sort();
  const listed = await Promise.all(names.map((module) => listModule(module, first.get(module)!, roots)));
  for (const entries of listed) out.push(...entries);
  return out;
}

async function listModule(module: string, found: string, roots: readonly string[]): Promise<Array<ListedHook | BrokenModule>> {
  let file = found;
  try {
    // resolve like uses: does, so the listing shows what a pipeline would really load
    file = resolveModuleFile(parseUses(`${module}/x`), roots);
    const hooks = await loadHookModule(file);
    return hooks
      .map((h): ListedHook => {
        const entry: ListedHook = { uses: usesOf(module, h), module, name: h.name, tag: h.tag, inputs: h.inputs, file };
        if (h.outputs) entry.outputs = h.outputs;
        if (h.desc !== undefined) entry.desc = h.desc;
        return entry;
      })
      .sort((a, b) => a.uses.localeCompare(b.uses));
  } catch (error) {
    const wrapped = WfError.is(error)
      ? error
      : new WfError('E_HOOK_MODULE', `hook module ${file} could not be read: ${String(error)}`, { cause: error });
    // A module with several problems is listed once per problem, each with its own message.
    return diagnosticsOf(wrapped).map((e) => ({ file, error: e }));
  }
}
