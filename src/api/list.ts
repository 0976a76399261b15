import { cronSchedule, nextRelease } from '../scheduler/cron.js';
import { WfErrors, type WfError } from '../errors/index.js';
import { inspectProject } from '../loader/index.js';
import { schedulerStatus } from './schedule.js';
import type { Pipeline } from '../model/types.js';

export interface PipelineSummary {
  name: string;
  desc: string;
  file: string;
  params: Array<{ name: string; type: string; required: boolean; default?: unknown }>;
  schedules: Array<{ name: string | null; cron: string; timezone: string; next: string | null; upcoming: string[]; after?: { pipeline: string; status: string }; schedulerAlive?: boolean }>;
  jobs: number;
}


export { nextRelease };

function upcoming(cron: string, timezone: string, from: Date, n: number): string[] {
  try {
    return cronSchedule(cron, timezone).between(from, new Date(from.getTime() + 400 * 86_400_000), n).fires.map((f) => f.local);
  } catch {
    return [];
  }
}

export function summarise(p: Pipeline, now = new Date()): PipelineSummary {
  return {
    name: p.name,
    desc: p.desc,
    file: `${p.loc.file}:${p.loc.line}`,
    params: Object.values(p.params).map((s) => ({ name: s.name, type: s.type, required: s.required, ...(s.required ? {} : { default: s.type === 'secret' ? '***' : s.default }) })),
    schedules: p.on.map((s) => ({
      name: s.name,
      cron: s.cron,
      timezone: s.timezone,
      next: s.after ? null : nextRelease(s.cron, s.timezone, now),
      upcoming: s.after ? [] : upcoming(s.cron, s.timezone, now, 3),
      ...(s.after ? { after: s.after } : {}),
    })),
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
export function listProject(o: { conf: string; state?: string }): { pipelines: PipelineSummary[]; errors: WfError[]; scheduler?: { alive: boolean; pid?: number; host?: string; heartbeatAt?: string } } {
  const { project, errors, failed } = inspectProject({ conf: o.conf });
  const broken = new Set(errors.map((e) => e.loc?.file));
  const pipelines = [...project.pipelines.values()]
    // A file that did not parse may also hold a second definition of a name: leave nothing doubtful in.
    .filter((p) => !failed.has(p.name) && !(broken.has(p.file) && errors.some((e) => e.loc?.file === p.file && e.code === 'E_YAML')))
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((p) => summarise(p));
  if (!o.state) return { pipelines, errors };
  // Whether a `wf schedule` is alive on this store: without one, nothing is released.
  const status = schedulerStatus(o.state);
  const scheduler = { alive: status.alive, ...(status.scheduler ? { pid: status.scheduler.pid, host: status.scheduler.host, heartbeatAt: status.scheduler.heartbeatAt } : {}) };
  for (const p of pipelines) for (const s of p.schedules) s.schedulerAlive = scheduler.alive;
  return { pipelines, errors, scheduler };
}
