import { nextRelease } from '../scheduler/cron.js';
import { WfErrors, type WfError } from '../errors/index.js';
import { inspectProject } from '../loader/index.js';
import type { Pipeline } from '../model/types.js';

export interface PipelineSummary {
  name: string;
  desc: string;
  file: string;
  params: Array<{ name: string; type: string; required: boolean; default?: unknown }>;
  schedules: Array<{ name: string | null; cron: string; timezone: string; next: string | null }>;
  jobs: number;
}


export { nextRelease };

export function summarise(p: Pipeline, now = new Date()): PipelineSummary {
  return {
    name: p.name,
    desc: p.desc,
    file: `${p.loc.file}:${p.loc.line}`,
    params: Object.values(p.params).map((s) => ({ name: s.name, type: s.type, required: s.required, ...(s.required ? {} : { default: s.type === 'secret' ? '***' : s.default }) })),
    schedules: p.on.map((s) => ({ name: s.name, cron: s.cron, timezone: s.timezone, next: nextRelease(s.cron, s.timezone, now) })),
    jobs: p.jobs.length,
  };
}

/**
 * Every pipeline in conf/ with its params and schedules' next releases; throws WfErrors when any
 * template is broken (see `listProject` for what loads beside the problems).
 * @example listPipelines({ conf: 'conf' }).map((p) => p.name)
 */
export function listPipelines(o: { conf: string }): PipelineSummary[] {
  const { pipelines, errors } = listProject(o);
  if (errors.length > 0) throw new WfErrors(errors);
  return pipelines;
}

/**
 * The pipelines that load, and the problems of the templates that do not: one broken file does
 * not hide the rest of conf/ (`wf list` prints both and exits 2).
 * @example const { pipelines, errors } = listProject({ conf: 'conf' });
 */
export function listProject(o: { conf: string }): { pipelines: PipelineSummary[]; errors: WfError[] } {
  const { project, errors, failed } = inspectProject({ conf: o.conf });
  const broken = new Set(errors.map((e) => e.loc?.file));
  const pipelines = [...project.pipelines.values()]
    // A file that did not parse may also hold a second definition of a name: leave nothing doubtful in.
    .filter((p) => !failed.has(p.name) && !(broken.has(p.file) && errors.some((e) => e.loc?.file === p.file && e.code === 'E_YAML')))
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((p) => summarise(p));
  return { pipelines, errors };
}
