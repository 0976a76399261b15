import { SELF } from './self-names.js';
/**
 * Module resolve hooks for hook modules: a hook imports `wf-runner` (for `defineHook` and types);
 * in a project that has not installed it (a fresh `wf init`), that name resolves to the wf that is
 * running, instead of failing. An installed wf-runner is found first, as usual.
 */

type Next = (specifier: string, context: unknown) => Promise<{ url: string }>;

export async function resolve(specifier: string, context: unknown, next: Next): Promise<{ url: string; shortCircuit?: boolean }> {
  try {
    return await next(specifier, context);
  } catch (e) {
    const target = SELF[specifier];
    if (target && (e as NodeJS.ErrnoException)?.code === 'ERR_MODULE_NOT_FOUND') return { url: new URL(target, import.meta.url).href, shortCircuit: true };
    throw e;
  }
}
