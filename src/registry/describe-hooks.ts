import { diagnosticsOf, WfError, type SerializedWfError } from '../errors/index.js';
import { resolveHook } from './resolve-hook.js';
import type { HookInputSpec } from './types.js';

/** Per `uses:`: the declarations, or why it cannot load (`errors`: one entry per problem of its module). */
export type HookDescriptions = Record<string, { inputs: Record<string, HookInputSpec>; outputs?: Record<string, HookInputSpec> } | { error: SerializedWfError; errors: SerializedWfError[] }>;

/** Each `uses:` string's declared inputs, or why it cannot be loaded (for checks before a run). */
export async function describeHooks(uses: readonly string[], roots: readonly string[]): Promise<HookDescriptions> {
  const out: HookDescriptions = {};
  for (const ref of uses) {
    try {
      const hook = await resolveHook(ref, roots);
      out[ref] = hook.outputs ? { inputs: hook.inputs, outputs: hook.outputs } : { inputs: hook.inputs };
    } catch (e) {
      const err = e instanceof WfError ? e : new WfError('E_HOOK_MODULE', String((e as Error)?.message ?? e));
      out[ref] = { error: err.toJSON(), errors: diagnosticsOf(err).map((d) => d.toJSON()) };
    }
  }
  return out;
}
