import { WfError, didYouMean } from '../errors/index.js';
import type { Pipeline, UsesStage } from '../model/types.js';
import { pipelineStages, walkStages } from '../model/walk-stages.js';
import type { HookDescriptions, LoadedHook } from '../registry/index.js';

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
  if (stages.length === 0) return errors;
  // Loaded only when there is a uses: stage: a run of shell stages never reads the registry code.
  const { parseUses, resolveModuleFile, validateWith } = await import('../registry/index.js');
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
      for (const e of found.errors) errors.push(withLoc(WfError.fromJSON(e), stage));
      continue;
    }
    const hook = { name: stage.uses, inputs: found.inputs } as LoadedHook;
    for (const p of validateWith(hook, stage.with, { partial: true }).problems) {
      errors.push(new WfError('E_HOOK_WITH', `${stage.uses}: ${p.message}`, { loc: stage.withLocs[p.key] ?? stage.loc, hint: p.hint }));
    }
  }
  for (const pipeline of pipelines) errors.push(...checkOutputRefs(pipeline, inputs));
  return errors;
}

/** `stages.<id>.outputs.<key>` where stage <id> uses a hook that declares its outputs without <key>. */
function checkOutputRefs(pipeline: Pipeline, hooks: HookInputs): WfError[] {
  const errors: WfError[] = [];
  if (!pipeline.stageOutputRefs) return errors;
  const byJob = new Map<string, Map<string, UsesStage>>();
  for (const job of [...pipeline.jobs, ...(pipeline.onFailure ? [pipeline.onFailure] : [])]) {
    const ids = new Map<string, UsesStage>();
    for (const s of walkStages(job.stages)) if (s.kind === 'uses' && s.id) ids.set(s.id, s);
    byJob.set(job.id, ids);
  }
  for (const ref of pipeline.stageOutputRefs) {
    const stage = byJob.get(ref.job)?.get(ref.stage);
    const found = stage && hooks[stage.uses];
    if (!found || 'error' in found || !found.outputs) continue;
    const declared = Object.keys(found.outputs);
    if (declared.includes(ref.key)) continue;
    errors.push(new WfError('E_EXPR_REF', `stage '${ref.stage}' (${stage.uses}) has no output '${ref.key}'`, {
      loc: ref.loc,
      hint: didYouMean(ref.key, declared, 'an output') ?? `its outputs: ${declared.join(', ') || 'none'}`,
    }));
  }
  return errors;
}

function withLoc(e: WfError, stage: UsesStage): WfError {
  // The module's own location (a broken hook file) is less useful here than the stage that uses it.
  const copy = new WfError(e.code, e.message, { loc: stage.loc, hint: e.hint ?? (e.loc ? `see ${e.loc.file}:${e.loc.line}` : undefined) });
  return copy;
}

/** Imports hook modules in this thread to read their declared inputs (validate, dry run). */
export async function loadInputsInProcess(uses: string[], registry: string[]): Promise<HookInputs> {
  const { describeHooks } = await import('../registry/index.js');
  return describeHooks(uses, registry);
}
