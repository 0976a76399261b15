import { WfError } from '../errors/index.js';
import type { Pipeline, UsesStage } from '../model/types.js';
import { pipelineStages } from '../model/walk-stages.js';
import { describeHooks, parseUses, resolveModuleFile, validateWith, type HookDescriptions, type LoadedHook } from '../registry/index.js';

export type HookInputs = HookDescriptions;

/** Every `uses:` stage of a pipeline, nested ones included. */
export function usesStages(pipeline: Pipeline): UsesStage[] {
  return [...pipelineStages(pipeline)].filter((s): s is UsesStage => s.kind === 'uses');
}

/**
 * Checks `uses:` references against the registry: first what the file system can tell (module
 * exists, stays inside the roots), then, with the hooks' declared inputs from `loadInputs`
 * (imported in a worker for `wf run`, in-process for `wf validate`), the literal `with:` values.
 */
export async function checkHooks(
  pipelines: Pipeline[],
  registry: string[],
  loadInputs: (uses: string[]) => Promise<HookInputs>,
): Promise<WfError[]> {
  const errors: WfError[] = [];
  const stages = pipelines.flatMap(usesStages);
  const resolvable: UsesStage[] = [];
  const problems = new Map<string, WfError | null>(); // per distinct uses: a pipeline may repeat one thousands of times
  for (const stage of stages) {
    if (!problems.has(stage.uses)) {
      try {
        resolveModuleFile(parseUses(stage.uses), registry);
        problems.set(stage.uses, null);
      } catch (e) {
        if (!(e instanceof WfError)) throw e;
        problems.set(stage.uses, e);
      }
    }
    const problem = problems.get(stage.uses);
    if (problem) errors.push(withLoc(problem, stage));
    else resolvable.push(stage);
  }
  if (resolvable.length === 0) return errors;
  const inputs = await loadInputs([...new Set(resolvable.map((s) => s.uses))]);
  for (const stage of resolvable) {
    const found = inputs[stage.uses];
    if (!found) continue;
    if ('error' in found) {
      errors.push(withLoc(WfError.fromJSON(found.error), stage));
      continue;
    }
    const hook = { name: stage.uses, inputs: found.inputs } as LoadedHook;
    for (const p of validateWith(hook, stage.with, { partial: true }).problems) {
      errors.push(new WfError('E_HOOK_WITH', `${stage.uses}: ${p.message}`, { loc: stage.withLocs[p.key] ?? stage.loc, hint: p.hint }));
    }
  }
  return errors;
}

function withLoc(e: WfError, stage: UsesStage): WfError {
  // The module's own location (a broken hook file) is less useful here than the stage that uses it.
  const copy = new WfError(e.code, e.message, { loc: stage.loc, hint: e.hint ?? (e.loc ? `see ${e.loc.file}:${e.loc.line}` : undefined) });
  return copy;
}

/** Imports hook modules in this thread to read their declared inputs (validate, dry run). */
export function loadInputsInProcess(uses: string[], registry: string[]): Promise<HookInputs> {
  return describeHooks(uses, registry);
}
