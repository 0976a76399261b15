import { WfErrors } from '../errors/index.js';
import { makeMasker, maskDeep } from '../executor/mask.js';
import { renderEnv } from '../executor/render-env.js';
import type { Stage } from '../model/types.js';
import { planJobs } from '../planner/index.js';
import { jobCells, type JobCell } from '../executor/job-cells.js';
import { collectRefs, compileCached, hasTemplate, renderDeep, renderScript, renderShell, toText, type ExprContext } from '../template/index.js';
import { checkHooks, loadInputsInProcess } from './check-hooks.js';
import type { Locations } from './options.js';
import type { ParamSources } from './params.js';
import { loadPipeline, paramsFor } from './run.js';

export interface DryStage {
  path: string;
  name: string;
  kind: string;
  if?: string;
  script?: string;
  shell?: string;
  /** Environment values the script reads (`WF_E1`…); secrets masked. */
  env?: Record<string, string>;
  uses?: string;
  with?: unknown;
  text?: string;
  /** Values that depend on earlier stages or jobs are only known at run time. */
  runtime?: string[];
  /** Why this stage would fail before it starts. */
  error?: string;
}

export interface DryJob {
  key: string;
  needs: string[];
  if?: string;
  matrix: Record<string, unknown> | null;
  stages: DryStage[];
}

export interface DryRun {
  pipeline: string;
  params: Record<string, unknown>;
  jobs: DryJob[];
}

/** What `wf run --dry-run` shows: every stage as it would run, nothing executed, nothing stored. */
export async function dryRun(o: Locations & { pipeline: string; params?: Pick<ParamSources, 'cli' | 'file'> }): Promise<DryRun> {
  const { pipeline } = await loadPipeline(o, o.pipeline);
  const params = paramsFor(pipeline, o);
  const hookErrors = await checkHooks([pipeline], o.registry, (uses) => loadInputsInProcess(uses, o.registry));
  if (hookErrors.length > 0) throw new WfErrors(hookErrors);
  const mask = makeMasker(params.secretValues);
  const run = { id: 'dry-run', pipeline: pipeline.name, release: null, attempt: 1 };
  const env = renderEnv(pipeline.env, { params: params.values, run });
  const plan = planJobs(pipeline.jobs.map((j) => ({ id: j.id, needs: j.needs })));
  const jobs: DryJob[] = [];
  for (const id of plan.order) {
    const job = pipeline.jobs.find((j) => j.id === id)!;
    const ctx: ExprContext = { params: params.values, env: { ...(process.env as Record<string, string>), ...env }, run, jobs: {}, stages: {} };
    let cells: JobCell[] = [{ key: job.id, matrix: null, shown: null }];
    if (job.matrix) {
      try {
        cells = jobCells(job, ctx, mask);
      } catch {
        cells = [{ key: job.id, matrix: null, shown: null }]; // depends on other jobs' outputs: shown once, unexpanded
      }
    }
    for (const cell of cells) {
      const cellCtx = { ...ctx, matrix: cell.matrix ?? {} };
      jobs.push({
        key: cell.key,
        needs: job.needs,
        if: typeof job.if === 'string' ? job.if : undefined,
        matrix: cell.shown,
        stages: job.stages.map((s, i) => maskDeep(dryStage(s, String(i), cellCtx), mask)),
      });
    }
  }
  return { pipeline: pipeline.name, params: params.masked, jobs };
}

function dryStage(stage: Stage, path: string, ctx: ExprContext): DryStage {
  const base: DryStage = { path, name: stage.name, kind: stage.kind, if: typeof stage.if === 'string' ? stage.if : undefined };
  const runtime = runtimeRefs(stage);
  if (runtime.length) base.runtime = runtime;
  const safe = <T>(fn: () => T, fallback: T): T => {
    try {
      return fn();
    } catch {
      return fallback;
    }
  };
  switch (stage.kind) {
    case 'run': {
      try {
        // As it will run: bash/sh read values from variables, python/node from JSON in the environment.
        const lang = stage.shell === 'python' || stage.shell === 'node' ? stage.shell : null;
        const { script, env } = lang ? renderScript(stage.run, lang, ctx) : renderShell(stage.run, ctx, { guards: stage.guards });
        return { ...base, shell: stage.shell, script, env: { ...env, ...safe(() => renderEnv(stage.env, ctx), {}) } };
      } catch (e) {
        // Shown, not hidden: this stage would fail the same way when run.
        return { ...base, shell: stage.shell, script: stage.run, error: e instanceof Error ? e.message : String(e) };
      }
    }
    case 'uses':
      return { ...base, uses: stage.uses, with: safe(() => renderDeep(stage.with, ctx), stage.with) };
    case 'echo':
      return { ...base, text: safe(() => toText(renderDeep(stage.echo, ctx)), String(stage.echo)) };
    default:
      return base;
  }
}

function runtimeRefs(stage: Stage): string[] {
  const found = new Set<string>();
  const visit = (v: unknown): void => {
    if (typeof v === 'string' && hasTemplate(v)) {
      for (const ref of safeRefs(v)) if (['stages', 'jobs', 'needs'].includes(ref.context)) found.add([ref.context, ...ref.path].join('.'));
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') Object.values(v).forEach(visit);
  };
  visit(stage);
  return [...found];
}

function safeRefs(text: string) {
  try {
    return collectRefs(compileCached(text));
  } catch {
    return [];
  }
}

/** Human form of a dry run. */
export function formatDryRun(plan: DryRun): string {
  const lines = [`dry run of ${plan.pipeline}: nothing will be executed`, `params: ${JSON.stringify(plan.params)}`];
  for (const job of plan.jobs) {
    lines.push('', `job ${job.key}${job.needs.length ? `  (needs ${job.needs.join(', ')})` : ''}${job.if ? `  if ${job.if}` : ''}`);
    for (const s of job.stages) {
      lines.push(`  ${s.path}. ${s.name} [${s.kind}]${s.if ? `  if ${s.if}` : ''}`);
      if (s.script !== undefined) {
        for (const [k, v] of Object.entries(s.env ?? {})) lines.push(`     ${k}=${shellQuote(v)}`);
        const how = s.shell === 'python' ? 'python3 <script file>' : s.shell === 'node' ? 'node <script file>' : s.shell?.includes('{0}') ? s.shell.replace('{0}', '<script file>') : `${s.shell ?? 'bash'} -c`;
        lines.push(`     $ ${how}`, ...s.script.split('\n').map((l) => `       ${l}`));
      }
      if (s.uses) lines.push(`     uses ${s.uses} with ${JSON.stringify(s.with)}`);
      if (s.text !== undefined) lines.push(`     echo ${s.text}`);
      if (s.runtime) lines.push(`     (known at run time: ${s.runtime.join(', ')})`);
      if (s.error) lines.push(`     would fail: ${s.error}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Single-quoted for display, so a value shown as `WF_E1='$(x)'` stays inert if pasted into a shell. */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
