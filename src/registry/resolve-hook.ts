import { WfError, didYouMean } from '../errors/index.js';
import { loadHookModule } from './load-hook-module.js';
import { parseUses } from './parse-uses.js';
import { resolveModuleFile } from './resolve-module-file.js';
import type { LoadedHook } from './types.js';

/** `module/name@tag`, or `module/name` for an untagged hook. */
export function usesOf(module: string, hook: Pick<LoadedHook, 'name' | 'tag'>): string {
  return hook.tag === null ? `${module}/${hook.name}` : `${module}/${hook.name}@${hook.tag}`;
}

// Per thread: a run calls the same hook thousands of times; finding its file is file-system work.
const resolved = new Map<string, Promise<LoadedHook>>();

/**
 * Finds the hook a `uses:` names. Without `@tag`: the only hook of that name, else the one tagged `latest`.
 * Successful look-ups are remembered for the life of the thread (a worker lives for one run).
 * @example await resolveHook('sales/fetch@v1', ['hooks']) // → LoadedHook
 */
export function resolveHook(raw: string, roots: readonly string[]): Promise<LoadedHook> {
  const key = `${raw}\0${roots.join('\0')}`;
  let hook = resolved.get(key);
  if (!hook) {
    hook = findHook(raw, roots);
    resolved.set(key, hook);
    hook.catch(() => resolved.delete(key));
  }
  return hook;
}

async function findHook(raw: string, roots: readonly string[]): Promise<LoadedHook> {
  const ref = parseUses(raw);
  const file = resolveModuleFile(ref, roots);
  const hooks = await loadHookModule(file);
  const all = hooks.map((h) => usesOf(ref.module, h)).sort();
  const named = hooks.filter((h) => h.name === ref.hook);
  if (named.length === 0) {
    const hint = didYouMean(raw, all, 'a hook') ?? `${file} exports no hooks: export defineHook({ name: '${ref.hook}', … }, run)`;
    throw new WfError('E_UNKNOWN_HOOK', `uses: '${raw}': no hook '${ref.hook}' in ${file}`, { hint });
  }
  const tags = named.map((h) => usesOf(ref.module, h)).sort();
  if (ref.tag !== undefined) {
    const match = named.find((h) => h.tag === ref.tag);
    if (match) return match;
    throw new WfError('E_UNKNOWN_HOOK', `uses: '${raw}': hook '${ref.module}/${ref.hook}' has no tag '${ref.tag}'`, {
      hint: didYouMean(raw, tags, 'a tag'),
    });
  }
  if (named.length === 1) return named[0]!;
  const latest = named.find((h) => h.tag === 'latest');
  if (latest) return latest;
  throw new WfError('E_UNKNOWN_HOOK', `uses: '${raw}' is ambiguous: it has tags ${tags.map((t) => `'${t}'`).join(', ')}`, {
    hint: `name one (e.g. ${tags[tags.length - 1]}), or tag one of them 'latest'`,
  });
}
