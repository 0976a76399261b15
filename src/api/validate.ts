import { WfError, diagnosticsOf } from '../errors/index.js';
import { inspectProject } from '../loader/index.js';
import { checkHooks, loadInputsInProcess, usesStages } from './check-hooks.js';
import type { Locations } from './options.js';

export interface ValidateResult {
  ok: boolean;
  pipelines: number;
  schedules: number;
  hooks: number;
  errors: WfError[];
}

/**
 * Checks conf/ (or the named pipelines and what they reference) and the hooks used, collecting
 * every problem.
 * @example const { ok, errors } = await validate({ ...resolveLocations() });
 */
export async function validate(o: Locations & { pipelines?: string[] }): Promise<ValidateResult> {
  let loaded;
  try {
    loaded = inspectProject({ conf: o.conf, only: o.pipelines?.length ? o.pipelines : undefined });
  } catch (e) {
    // conf/ itself is missing or unreadable
    if (e instanceof WfError) return { ok: false, pipelines: 0, schedules: 0, hooks: 0, errors: diagnosticsOf(e) };
    throw e;
  }
  const { project } = loaded;
  const errors: WfError[] = [...loaded.errors];
  for (const name of o.pipelines ?? []) {
    if (!project.pipelines.has(name)) errors.push(new WfError('E_UNKNOWN_TEMPLATE', `no pipeline named '${name}'`, { hint: "see 'wf list'" }));
  }
  const pipelines = [...project.pipelines.values()];
  errors.push(...(await checkHooks(pipelines, o.registry, (uses) => loadInputsInProcess(uses, o.registry))));
  const hooks = new Set(pipelines.flatMap(usesStages).map((s) => s.uses)).size;
  return { ok: errors.length === 0, pipelines: pipelines.length, schedules: project.ons.size, hooks, errors };
}
