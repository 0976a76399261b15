import { describeThrown, WfError, type SourceLoc } from '../errors/index.js';
import { withHookConsole } from './hook-console.js';
import { makeMasker, maskDeep, maskError } from './mask.js';
import type { HookResult, HookTask } from './protocol.js';

// Loaded on first use, once: a dynamic import per call would go through every loader hook (tsx's).
let registry: Promise<typeof import('../registry/index.js')> | undefined;

/** Runs one hook in this thread (a pool worker); its returned object becomes the stage's outputs. */
export async function callHook(task: HookTask, signal: AbortSignal): Promise<HookResult> {
  const mask = makeMasker(task.mask);
  const logs: HookResult['logs'] = [];
  try {
    const { resolveHook, validateWith } = await (registry ??= import('../registry/index.js'));
    const hook = await resolveHook(task.uses, task.registry);
    const { value, problems } = validateWith(hook, task.with);
    if (problems.length > 0) {
      const p = problems[0]!;
      throw new WfError('E_HOOK_WITH', `${task.uses}: with.${p.key}: ${p.message}`, { loc: task.loc, hint: p.hint });
    }
    const result = await withHookConsole(logs, mask, async () =>
      hook.run(value, {
        log: (message: string) => void logs.push({ stream: 'log', text: mask(describeThrown(message)), ts: Date.now() }),
        signal,
        run: task.run,
        secrets: task.secrets,
      }),
    );
    if (result === undefined || result === null) return { outputs: {}, error: null, logs };
    const data = plainData(result, task.uses, task.loc);
    const outputs = typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : { value: data };
    return { outputs: maskDeep(outputs, mask), error: null, logs };
  } catch (e) {
    // A hook may throw anything (a string, Object.create(null), a Proxy): the stage fails with its text.
    const error = e instanceof WfError ? e.at(task.loc) : new WfError('E_STAGE', describeThrown(e), { loc: task.loc });
    return { outputs: null, error: maskError(error.toJSON(), mask), logs };
  }
}

/**
 * A hook's return value as plain JSON data, the only thing outputs can carry across threads and into
 * the store: BigInt becomes a string, functions and symbols are dropped, a cycle is the hook's error.
 */
function plainData(value: unknown, uses: string, loc: SourceLoc): unknown {
  try {
    return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? 'null');
  } catch (e) {
    throw new WfError('E_STAGE', `${uses} returned a value that is not JSON data: ${describeThrown(e).split('\n')[0]}`, {
      loc,
      hint: 'return a plain object of strings, numbers, booleans, lists and maps',
    });
  }
}
