import { relative, sep } from 'node:path';
import { describeThrown, WfError, type SourceLoc } from '../errors/index.js';
import { withHookConsole } from './hook-console.js';
import { makeMasker, maskDeep, maskError } from './mask.js';
import type { HookResult, HookTask } from './protocol.js';
import type { LoadedHook } from '../registry/index.js';

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
    const data = result === undefined || result === null ? {} : plainData(result, task.uses, task.loc);
    let outputs = typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : { value: data };
    if (hook.outputs) outputs = declaredOutputs(hook, outputs, task, validateWith);
    return { outputs: maskDeep(outputs, mask), error: null, logs };
  } catch (e) {
    // A hook may throw anything (a string, Object.create(null), a Proxy): the stage fails with its text.
    const error = e instanceof WfError ? e.at(task.loc) : new WfError('E_STAGE', `${describeThrown(e)}${thrownAt(e, task.registry)}`, { loc: task.loc });
    return { outputs: null, error: maskError(error.toJSON(), mask), logs };
  }
}

/** A hook that declares `outputs:` returns exactly those keys, of those types (defaults filled in). */
function declaredOutputs(hook: LoadedHook, outputs: Record<string, unknown>, task: HookTask, validateWith: typeof import('../registry/index.js').validateWith): Record<string, unknown> {
  const { value, problems } = validateWith({ ...hook, inputs: hook.outputs ?? {} }, outputs);
  const p = problems[0];
  if (!p) return value;
  const message = p.message.replace(/\binput\b/g, 'output').replace(/\btakes no outputs\b/, 'declares no outputs');
  throw new WfError('E_HOOK_OUTPUT', `${task.uses} returned outputs that do not fit its outputs: declaration: ${message}`, {
    loc: task.loc,
    hint: `declared: ${Object.keys(hook.outputs ?? {}).join(', ') || 'none'}; return those keys, or change the declaration`,
  });
}

const FRAME = /(?:file:\/\/)?(\/[^\s()?]+?\.[cm]?[jt]s)(?:\?[^\s():]*)?:(\d+):(\d+)/;

/**
 * Where in the registry an exception was thrown: the first stack frame in a hook file (tsx's source
 * maps give the .ts line), as ` (at hooks/x.ts:5:9)`; '' when the stack shows none.
 */
function thrownAt(e: unknown, roots: readonly string[]): string {
  const stack = e instanceof Error && typeof e.stack === 'string' ? e.stack : '';
  for (const line of stack.split('\n').slice(1)) {
    const m = FRAME.exec(line);
    if (!m || !roots.some((r) => m[1]!.startsWith(r.endsWith(sep) ? r : r + sep))) continue;
    const rel = relative(process.cwd(), m[1]!);
    return ` (at ${rel.startsWith('..') ? m[1] : rel}:${m[2]}:${m[3]})`;
  }
  return '';
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
