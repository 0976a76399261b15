import { didYouMean, WfError, type SourceLoc } from '../errors/index.js';
import type { Pipeline, Stage, StageOutputRef } from '../model/types.js';
import { walkStages as nestedStages } from '../model/walk-stages.js';
import { collectRefs, compileTemplate, hasTemplate, type CompiledTemplate, type ExprNode } from '../template/index.js';
import { splitTemplate } from '../template/split.js';
import { checkRef, type RefContext, type RefScope } from './check-refs.js';
import { checkScriptPositions, checkShellScript } from './check-shell.js';
import { normaliseIf } from './compile-stage.js';
import type { SourceFile, YamlPath } from './source.js';

type Raw = Record<string, unknown>;

/** Job fields read once when the job starts, before its matrix is expanded and its stages run. */
const BEFORE_JOB = new Set(['if', 'continue-on-error', 'strategy']);

interface Ctx extends RefContext {
  src: SourceFile;
  errors: WfError[];
  outputRefs: StageOutputRef[];
}

/**
 * Parses every template string in a pipeline and checks what can be known before running:
 * params, stage ids, jobs in `jobs.<id>` / `needs.<id>`, `matrix`, `run` fields, item/index/branch,
 * and expressions a shell script places where no quoting makes them safe.
 * Keys are skipped as names (`id`, `needs`, `uses`, …) only where the structure defines them:
 * inside a user map (`env`, `with`, `outputs`, trigger `params`, `matrix`, …) every value is checked.
 */
export function checkExpressions(pipeline: Pipeline, raw: Raw, src: SourceFile): WfError[] {
  const ctx: Ctx = { pipeline, src, errors: [], outputRefs: [], allJobs: new Set(pipeline.jobs.map((j) => j.id)) };
  const upstream = transitiveNeeds(pipeline);
  const top: RefScope = { job: null, visibleJobs: new Set(), stageIds: new Set(), matrix: false, beforeJob: null, inForeach: false, inParallel: false };
  checkNames(raw.env, [pipeline.name, 'env'], ctx);
  walkValue(raw.env, [pipeline.name, 'env'], top, ctx);
  for (const job of pipeline.jobs) {
    const rawJob = (raw.jobs as Record<string, Raw>)[job.id]!;
    const scope: RefScope = { ...top, job: job.id, visibleJobs: upstream.get(job.id)!, stageIds: stageIdsOf(job.stages), matrix: job.matrix !== null };
    walkJob(rawJob, [pipeline.name, 'jobs', job.id], scope, ctx);
  }
  const onFailure = raw['on-failure'] as Raw | undefined;
  if (onFailure) {
    const scope: RefScope = { ...top, job: 'on-failure', visibleJobs: ctx.allJobs, stageIds: stageIdsOf(pipeline.onFailure?.stages ?? []) };
    walkJob(onFailure, [pipeline.name, 'on-failure'], scope, ctx);
  }
  // Kept for the check against hooks' declared outputs, which needs the hooks loaded (checkHooks).
  if (ctx.outputRefs.length > 0) pipeline.stageOutputRefs = ctx.outputRefs;
  return ctx.errors;
}

/** A job: `needs` and `trigger-rule` are names; `if`, `continue-on-error`, `strategy` are read before the matrix exists. */
function walkJob(job: Raw, path: YamlPath, scope: RefScope, ctx: Ctx): void {
  for (const [key, v] of Object.entries(job)) {
    const at = [...path, key];
    if (key === 'needs' || key === 'trigger-rule') continue;
    if (key === 'outputs' || key === 'env') checkNames(v, at, ctx);
    const inner = BEFORE_JOB.has(key) ? { ...scope, beforeJob: key } : scope;
    if (key === 'stages') walkStages(v, at, scope, ctx);
    else if (key === 'if') checkCondition(v, at, inner, ctx);
    else walkValue(v, at, inner, ctx);
  }
}

function walkStages(list: unknown, path: YamlPath, scope: RefScope, ctx: Ctx): void {
  if (!Array.isArray(list)) return;
  list.forEach((stage, i) => {
    if (stage && typeof stage === 'object') walkStage(stage as Raw, [...path, i], scope, ctx);
  });
}

/** A stage: `id`, `uses`, `trigger`, `shell` are names; nested stage lists keep their structure. */
function walkStage(stage: Raw, path: YamlPath, scope: RefScope, ctx: Ctx): void {
  for (const [key, v] of Object.entries(stage)) {
    const at = [...path, key];
    switch (key) {
      case 'id':
      case 'uses':
      case 'trigger':
      case 'shell':
        break;
      case 'if':
      case 'until':
        checkCondition(v, at, scope, ctx);
        break;
      case 'run':
      case 'bash':
        checkValue(v, at, scope, ctx, typeof stage.shell === 'string' ? stage.shell : 'bash');
        break;
      case 'stages':
        walkStages(v, at, 'foreach' in stage ? { ...scope, inForeach: true } : scope, ctx);
        break;
      case 'env':
        checkNames(v, at, ctx);
        walkValue(v, at, scope, ctx);
        break;
      case 'parallel':
        for (const [branch, stages] of Object.entries((v as Raw | null) ?? {})) walkStages(stages, [...at, branch], { ...scope, inParallel: true }, ctx);
        break;
      case 'match':
        (Array.isArray(v) ? (v as unknown[]) : []).forEach((entry, i) => {
          for (const [k, mv] of Object.entries((entry as Raw | null) ?? {})) {
            if (k === 'case') walkValue(mv, [...at, i, k], scope, ctx);
            else walkStages(mv, [...at, i, k], scope, ctx);
          }
        });
        break;
      default:
        walkValue(v, at, scope, ctx);
    }
  }
}

/**
 * The keys of `outputs:` and `env:` are names, read by other expressions (`needs.a.outputs.rows`)
 * and checked before running: an expression in one is refused rather than evaluated.
 */
function checkNames(map: unknown, path: YamlPath, ctx: Ctx): void {
  if (map === null || typeof map !== 'object' || Array.isArray(map)) return;
  for (const key of Object.keys(map)) {
    if (!hasTemplate(key)) continue;
    const what = path.at(-1) === 'outputs' ? 'an output name' : 'an environment variable name';
    ctx.errors.push(new WfError('E_EXPR', `${what} cannot hold an expression: '${key}'`, {
      loc: ctx.src.keyLoc([...path, key]),
      hint: path.at(-1) === 'outputs' ? 'name outputs literally and put the expression in the value: rows: ${{ stages.count.outputs.rows }}' : 'name variables literally and put the expression in the value: TABLE: ${{ matrix.table }}',
    }));
  }
}

/** A user value (a map, a list, a scalar): every string in it is checked, whatever its key. */
function walkValue(value: unknown, path: YamlPath, scope: RefScope, ctx: Ctx): void {
  if (Array.isArray(value)) value.forEach((v, i) => walkValue(v, [...path, i], scope, ctx));
  else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value as Raw)) walkValue(v, [...path, key], scope, ctx);
  } else checkValue(value, path, scope, ctx);
}

/** `shell`: the script's shell when the value is a `run:` script (its positions are checked too). */
function checkValue(value: unknown, path: YamlPath, scope: RefScope, ctx: Ctx, shell?: string): void {
  if (typeof value !== 'string' || !hasTemplate(value)) return;
  const t = checkString(value, path, scope, ctx);
  if (!t || shell === undefined) return;
  const problem = shell === 'bash' || shell === 'sh' ? checkShellScript(t, ctx.src.loc(path)) : checkScriptPositions(value, shell, ctx.src.loc(path));
  if (problem) ctx.errors.push(problem);
}

/** Compiles one template and checks its references; returns it when it compiled. */
function checkString(text: string, path: YamlPath, scope: RefScope, ctx: Ctx): CompiledTemplate | undefined {
  const loc = ctx.src.loc(path);
  let t: CompiledTemplate;
  try {
    t = compileTemplate(text);
  } catch (e) {
    if (!(e instanceof WfError)) throw e;
    e.hint ??= "an expression reads a context (params.x, matrix.x, stages.<id>.outputs.x), compares with == != < > && || !, and pipes into filters (| upper)";
    ctx.errors.push(e.at(loc));
    return undefined;
  }
  for (const part of t.parts) if (typeof part !== 'string') checkChoiceComparisons(part, loc, ctx);
  for (const ref of collectRefs(t)) {
    const problem = checkRef(ref, scope, ctx);
    if (problem) ctx.errors.push(new WfError('E_EXPR_REF', problem.message, { loc, hint: problem.hint }));
    else if (ref.context === 'stages' && scope.job && typeof ref.path[0] === 'string' && ref.path[1] === 'outputs' && typeof ref.path[2] === 'string') {
      ctx.outputRefs.push({ job: scope.job, stage: ref.path[0], key: ref.path[2], loc });
    }
  }
  return t;
}

/**
 * `params.<choice> == 'text'` where the text is none of the choice's options can never be true; an
 * option that differs only in case is the usual slip (wf compares text case-sensitively).
 */
function checkChoiceComparisons(node: ExprNode, loc: SourceLoc, ctx: Ctx): void {
  const stack: ExprNode[] = [node];
  while (stack.length > 0) {
    const n = stack.pop()!;
    switch (n.kind) {
      case 'compare':
        if (n.op === '==' || n.op === '!=') {
          checkChoicePair(n.left, n.right, loc, ctx);
          checkChoicePair(n.right, n.left, loc, ctx);
        }
        stack.push(n.left, n.right);
        break;
      case 'logical':
        stack.push(n.left, n.right);
        break;
      case 'not':
        stack.push(n.operand);
        break;
      case 'call':
        stack.push(...n.args);
        break;
      case 'filter':
        stack.push(n.input, ...n.args);
        break;
      case 'member':
        stack.push(n.object, n.property);
        break;
    }
  }
}

function checkChoicePair(param: ExprNode, text: ExprNode, loc: SourceLoc, ctx: Ctx): void {
  if (param.kind !== 'member' || param.object.kind !== 'context' || param.object.name !== 'params') return;
  if (param.property.kind !== 'literal' || typeof param.property.value !== 'string') return;
  if (text.kind !== 'literal' || typeof text.value !== 'string') return;
  const def = ctx.pipeline.params[param.property.value];
  if (def?.type !== 'choice' || !def.options) return;
  const options = def.options.map(String);
  const value = text.value;
  if (options.includes(value)) return;
  const caseTwin = options.find((o) => o.toLowerCase() === value.toLowerCase());
  ctx.errors.push(new WfError('E_EXPR_REF', `params.${def.name} is one of ${options.map((o) => `'${o}'`).join(', ')}, so it never equals '${value}'`, {
    loc,
    hint: caseTwin ? `wf compares text case-sensitively (GitHub Actions does not): write '${caseTwin}'` : (didYouMean(value, options, 'an option') ?? `compare with one of its options`),
  }));
}

/** The ids of a compiled job's stages, nested ones included. */
function stageIdsOf(stages: readonly Stage[]): Set<string> {
  return new Set([...nestedStages(stages)].flatMap((s) => (s.id ? [s.id] : [])));
}

/**
 * job → the jobs it needs, directly or through others, asked one id at a time: a walk up the
 * needs per question (memoised per job), so a 10,000-job chain is not 10,000 sets of 10,000 ids.
 */
function transitiveNeeds(pipeline: Pipeline): Map<string, { has(id: string): boolean }> {
  const direct = new Map(pipeline.jobs.map((j) => [j.id, j.needs]));
  const views = new Map<string, { has(id: string): boolean }>();
  for (const j of pipeline.jobs) {
    const answers = new Map<string, boolean>();
    views.set(j.id, {
      has(target: string): boolean {
        let known = answers.get(target);
        if (known !== undefined) return known;
        const seen = new Set<string>([j.id]);
        const stack = [...(direct.get(j.id) ?? [])];
        known = false;
        while (stack.length > 0) {
          const id = stack.pop()!;
          if (seen.has(id) || !direct.has(id)) continue;
          if (id === target) {
            known = true;
            break;
          }
          seen.add(id);
          stack.push(...direct.get(id)!);
        }
        answers.set(target, known);
        return known;
      },
    });
  }
  return views;
}

/**
 * An `if:`/`until:` with text outside its `${{ }}` (`${{ params.mode }} == 'delta'`) is a
 * non-empty string, so always true (GitHub Actions has the same trap): an error, with the one
 * expression it was meant to be as the hint. Then the condition is checked like any value.
 */
function checkCondition(value: unknown, path: YamlPath, scope: RefScope, ctx: Ctx): void {
  if (typeof value === 'string' && hasTemplate(value)) {
    const parts = splitTemplate(value.trim());
    const outside = parts.some((p) => p.kind === 'text' && p.text.trim() !== '');
    if (outside && parts.some((p) => p.kind === 'expr')) {
      const meant = parts.map((p) => (p.kind === 'expr' ? p.body.trim() : p.text)).join('').trim();
      ctx.errors.push(new WfError('E_EXPR', `${String(path[path.length - 1])}: has text outside its \${{ }}: the whole value is a non-empty string, so it is always true`, {
        loc: ctx.src.loc(path),
        hint: `write the whole condition as one expression: ${String(path[path.length - 1])}: \${{ ${meant} }}`,
      }));
      return;
    }
  }
  if (typeof value === 'string' && /(^|[^\w.'-])(True|False)($|[^\w-])/.test(value.replace(/'[^']*'/g, ''))) {
    ctx.errors.push(new WfError('E_EXPR', `${String(path[path.length - 1])}: True/False are not expressions here`, { loc: ctx.src.loc(path), hint: "write true or false in lower case (Python's True/False)" }));
    return;
  }
  checkValue(normaliseIf(value), path, scope, ctx);
}
