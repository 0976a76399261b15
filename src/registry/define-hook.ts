import type { HookDefinition } from './types.js';

/**
 * Declares a hook; it only adds types (a plain `{ name, tag, with, run }` export works the same).
 * @example export const fetch = defineHook({ name: 'fetch', tag: 'v1', with: { table: 'str' } }, async (args, ctx) => ({ rows: 1 }));
 */
export function defineHook<A = Record<string, any>, R = unknown>(
  meta: Omit<HookDefinition<A, R>, 'run'>,
  run: HookDefinition<A, R>['run'],
): HookDefinition<A, R> {
  return { ...meta, run };
}
