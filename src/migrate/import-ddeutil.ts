import { isMap, isScalar, isSeq, LineCounter, parseDocument, Scalar, type Document, type YAMLMap } from 'yaml';
import { convertCondition, quotedExpressions, unquoteExpressions, varsAsCode } from './python-forms.js';
import { deleteKey, mapEntries, pairOf, renameKey, scalar, seqItems, setKey, valueOf, where } from './yaml-edit.js';

/** Something `wf import ddeutil` could not convert (or converted but a person must finish), with its place. */
export interface ImportNote {
  file: string;
  line: number;
  col: number;
  message: string;
}

export interface ImportResult {
  /** The template file in wf's form (comments kept). */
  text: string;
  /** Names of the templates it holds. */
  templates: string[];
  notes: ImportNote[];
}

interface Ctx {
  doc: Document;
  lines: LineCounter;
  file: string;
  text: string;
  notes: ImportNote[];
  /** Ids of stages whose Python variables ddeutil exposed as outputs. */
  pythonIds: Map<string, unknown>;
}

/**
 * Rewrites one ddeutil-workflow template file into wf's form: the single-template form, schedules
 * (`on: {schedule: [{cronjob}]}`), class names as types, param spellings, job ids/descriptions and
 * `runs-on`, matrix placement, stage kinds (`run:` is Python there: `shell: python`; `bash:` → `run:`),
 * `vars:`, `$$` escapes and Python conditions. What it cannot convert is left in place and listed.
 * @example importDdeutil({ file: 'wf.yml', text: 'name: x\njobs: {a: {stages: [{bash: echo hi}]}}' }).text
 */
export function importDdeutil(input: { file: string; text: string }): ImportResult {
  const lines = new LineCounter();
  const doc: Document = parseDocument(input.text, { lineCounter: lines });
  const ctx: Ctx = { doc, lines, file: input.file, text: input.text, notes: [], pythonIds: new Map() };
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const { line, col } = lines.linePos(e.pos[0]);
    return { text: input.text, templates: [], notes: [{ file: input.file, line, col, message: `not converted: the file is not valid YAML (${e.message.split('\n')[0]})` }] };
  }
  let root: unknown = doc.contents;
  if (!isMap(root)) return { text: input.text, templates: [], notes: root ? [note(ctx, root, 'not converted: a template file is a map of templates')] : [] };
  const top: YAMLMap = root;

  // ddeutil's single-template file: `name: x` beside the template's keys → `x: {…}`.
  const nameNode = valueOf(top, 'name');
  if (typeof scalar(nameNode) === 'string' && isMap(valueOf(top, 'jobs'))) {
    const name = String(scalar(nameNode));
    // A comment above `name:` (the file's header) stays at the top.
    const header = (pairOf(top, 'name')?.key as { commentBefore?: string } | undefined)?.commentBefore;
    if (header) doc.commentBefore = [doc.commentBefore, header].filter(Boolean).join('\n');
    deleteKey(top, 'name');
    const wrapper = doc.createNode({}) as YAMLMap;
    wrapper.items.push(doc.createPair(name, top));
    wrapper.commentBefore = top.commentBefore;
    top.commentBefore = undefined;
    doc.contents = wrapper;
    root = wrapper;
  }

  const templates: string[] = [];
  for (const [name, node] of mapEntries(root)) {
    templates.push(name);
    if (isMap(node)) template(node, ctx);
  }
  for (const stage of ctx.pythonIds.values()) {
    const id = String(scalar(valueOf(stage, 'id')));
    if (input.text.includes(`stages.${id}.outputs`)) {
      ctx.notes.push(note(ctx, valueOf(stage, 'id'), `to finish: stage '${id}' is Python; ddeutil-workflow kept its variables as outputs, wf reads outputs from name=value lines written to $WF_OUTPUT`));
    }
  }
  return { text: doc.toString({ lineWidth: 0 }), templates, notes: ctx.notes.sort((a, b) => a.line - b.line || a.col - b.col) };
}

function note(ctx: Ctx, node: unknown, message: string): ImportNote {
  return { file: ctx.file, ...where(ctx.lines, node), message };
}

const TEMPLATE_KEYS = new Set(['type', 'desc', 'on', 'schedule', 'params', 'env', 'jobs', 'on-failure']);

function template(t: YAMLMap, ctx: Ctx): void {
  const type = scalar(valueOf(t, 'type'));
  const last = typeof type === 'string' ? type.split('.').pop()! : undefined;
  if (last && ['Crontab', 'CrontabYear', 'CronJob', 'CronJobYear', 'On'].includes(last)) {
    setKey(ctx.doc, t, 'type', 'On');
    renameKey(t, 'cronjob', 'cron');
    for (const [k, v] of mapEntries(t)) if (!['type', 'desc', 'cron', 'timezone'].includes(k)) ctx.notes.push(note(ctx, pairOf(t, k)?.key ?? v, `not converted: '${k}' of a schedule (wf's On has cron: and timezone:)`));
    return;
  }
  if (type === undefined || last === 'Workflow') {
    if (type !== 'Workflow') setKey(ctx.doc, t, 'type', 'Pipeline');
  } else {
    ctx.notes.push(note(ctx, valueOf(t, 'type'), `not converted: template type '${String(type)}' (wf has Pipeline and On)`));
    return;
  }
  if (!renameKey(t, 'description', 'desc')) deleteKey(t, 'description');
  renameKey(t, 'parameters', 'params');
  renameKey(t, 'events', 'on');
  schedules(t, ctx);
  for (const [, spec] of mapEntries(valueOf(t, 'params'))) {
    if (!isMap(spec)) continue;
    renameKey(spec, 'description', 'desc');
    renameKey(spec, 'choices', 'options');
    if (scalar(valueOf(spec, 'type')) === 'string') setKey(ctx.doc, spec, 'type', 'str');
    for (const k of ['required']) if (pairOf(spec, k)) ctx.notes.push(note(ctx, pairOf(spec, k)!.key, `not converted: param '${k}:' (in wf a param without default: is required)`));
  }
  for (const [id, job] of mapEntries(valueOf(t, 'jobs'))) if (isMap(job)) convertJob(id, job, ctx);
  for (const [k] of mapEntries(t)) if (!TEMPLATE_KEYS.has(k)) ctx.notes.push(note(ctx, pairOf(t, k)!.key, `not converted: template key '${k}'`));
}

/** `on: {schedule: [{cronjob, timezone}]}` → `on: [{cron, timezone}]`. */
function schedules(t: YAMLMap, ctx: Ctx): void {
  const on = valueOf(t, 'on');
  if (isMap(on) && pairOf(on, 'schedule')) {
    const list = valueOf(on, 'schedule');
    for (const [k, v] of mapEntries(on)) if (k !== 'schedule') ctx.notes.push(note(ctx, pairOf(on, k)?.key ?? v, `not converted: on.${k} (wf's on: lists schedules)`));
    pairOf(t, 'on')!.value = list;
  }
  const entries = isSeq(valueOf(t, 'on')) ? seqItems(valueOf(t, 'on')) : [valueOf(t, 'on')];
  for (const entry of entries) if (isMap(entry)) renameKey(entry, 'cronjob', 'cron');
}

const JOB_KEYS = new Set(['name', 'needs', 'if', 'trigger-rule', 'strategy', 'timeout', 'retry', 'continue-on-error', 'env', 'outputs', 'stages']);

function convertJob(id: string, job: YAMLMap, ctx: Ctx): void {
  const jobId = scalar(valueOf(job, 'id'));
  if (jobId !== undefined && String(jobId) !== id) ctx.notes.push(note(ctx, valueOf(job, 'id'), `converted with a change: job id '${String(jobId)}' differed from its key; wf uses the key '${id}'`));
  deleteKey(job, 'id');
  for (const k of ['desc', 'description']) {
    const text = scalar(valueOf(job, k));
    if (text === undefined) continue;
    const oneLine = typeof text === 'string' && !text.trim().includes('\n') && text.length <= 80;
    if (oneLine && !pairOf(job, 'name')) renameKey(job, k, 'name');
    else {
      // A long description stays as a comment above the job's first key.
      const first = job.items[0]?.key as { commentBefore?: string } | undefined;
      if (first) first.commentBefore = [first.commentBefore, ...String(text).trim().split('\n').map((l) => ` ${l}`)].filter(Boolean).join('\n');
      deleteKey(job, k);
    }
  }
  const runsOn = valueOf(job, 'runs-on');
  const kind = isMap(runsOn) ? scalar(valueOf(runsOn, 'type')) : scalar(runsOn);
  if (runsOn !== undefined && kind !== 'local') ctx.notes.push(note(ctx, pairOf(job, 'runs-on')!.key, `not converted: runs-on: ${String(kind)} (wf runs jobs on this machine; call that service from a stage)`));
  deleteKey(job, 'runs-on');
  if (pairOf(job, 'matrix')) {
    if (!isMap(valueOf(job, 'strategy'))) setKey(ctx.doc, job, 'strategy', {}, 'needs');
    const strategy = valueOf(job, 'strategy') as YAMLMap;
    if (!pairOf(strategy, 'matrix')) strategy.items.unshift(ctx.doc.createPair('matrix', valueOf(job, 'matrix')));
    deleteKey(job, 'matrix');
  }
  const strategy = valueOf(job, 'strategy');
  renameKey(strategy, 'max_parallel', 'max-parallel');
  renameKey(strategy, 'max-workers', 'max-parallel');
  condition(job, ctx);
  stages(valueOf(job, 'stages'), ctx);
  for (const [k] of mapEntries(job)) if (!JOB_KEYS.has(k)) ctx.notes.push(note(ctx, pairOf(job, k)!.key, `not converted: job key '${k}'`));
}

function condition(map: YAMLMap, ctx: Ctx): void {
  const node = valueOf(map, 'if');
  if (!isScalar(node)) return;
  if (typeof node.value === 'boolean') return;
  const converted = convertCondition(String(node.value));
  if (converted) {
    node.value = converted;
    node.type = Scalar.QUOTE_DOUBLE;
  } else if (!/^\s*\$\{\{[\s\S]*\}\}\s*$/.test(String(node.value))) ctx.notes.push(note(ctx, node, `not converted: condition '${String(node.value)}' (write it as one \${{ }} expression)`));
}

const STAGE_KEYS = new Set(['name', 'id', 'if', 'env', 'timeout', 'retry', 'continue-on-error', 'echo', 'sleep', 'run', 'shell', 'uses', 'with', 'trigger', 'params', 'foreach', 'concurrency', 'stages', 'parallel', 'max-parallel', 'case', 'match', 'until', 'max-loop', 'raise']);

function stages(list: unknown, ctx: Ctx): void {
  for (const stage of seqItems(list)) if (isMap(stage)) convertStage(stage, ctx);
}

function convertStage(stage: YAMLMap, ctx: Ctx): void {
  deleteKey(stage, 'type'); // ddeutil's stage class; wf picks the kind from the keys
  renameKey(stage, 'concurrent', 'concurrency');
  renameKey(stage, 'max-workers', 'max-parallel');
  condition(stage, ctx);
  const bash = valueOf(stage, 'bash');
  if (isScalar(bash) && typeof bash.value === 'string') {
    // ddeutil substituted environment variables in conf files first, so `$$` stood for `$`.
    bash.value = bash.value.replace(/\$\$(?=[A-Za-z_{])/g, '$');
    renameKey(stage, 'bash', 'run');
  } else {
    const run = valueOf(stage, 'run');
    if (isScalar(run) && typeof run.value === 'string') python(stage, run, ctx);
  }
  if (pairOf(stage, 'deps')) ctx.notes.push(note(ctx, pairOf(stage, 'deps')!.key, 'not converted: deps: (wf has no per-stage virtualenv; install the packages beforehand)'));
  if (pairOf(stage, 'item')) ctx.notes.push(note(ctx, pairOf(stage, 'item')!.key, "not converted: until: item: (wf's until: has no loop variable)"));
  const uses = scalar(valueOf(stage, 'uses'));
  if (typeof uses === 'string') ctx.notes.push(note(ctx, valueOf(stage, 'uses'), `to finish: port the Python hook '${uses}' to a wf hook (hooks/${uses.split('/')[0]}.ts)`));
  stages(valueOf(stage, 'stages'), ctx);
  for (const [, branch] of mapEntries(valueOf(stage, 'parallel'))) stages(branch, ctx);
  for (const m of seqItems(valueOf(stage, 'match'))) {
    stages(valueOf(m, 'stages'), ctx);
    stages(valueOf(m, 'else'), ctx);
  }
  for (const [k] of mapEntries(stage)) if (!STAGE_KEYS.has(k) && k !== 'deps' && k !== 'item') ctx.notes.push(note(ctx, pairOf(stage, k)!.key, `not converted: stage key '${k}'`));
}

/** ddeutil's `run:` is a Python script: `shell: python`, its `vars:` as assignments, quoted `${{ }}` unquoted. */
function python(stage: YAMLMap, run: Scalar, ctx: Ctx): void {
  const vars = valueOf(stage, 'vars');
  const { code, skipped } = varsAsCode(mapEntries(vars).map(([k, v]) => [k, isScalar(v) ? v.value : (v as { toJSON?: () => unknown })?.toJSON?.()]));
  for (const name of skipped) ctx.notes.push(note(ctx, pairOf(vars, name)?.key, `not converted: vars.${name} (set it in the script: ${name} = \${{ … }})`));
  deleteKey(stage, 'vars');
  const original = String(run.value);
  const script = code + unquoteExpressions(original);
  run.value = script;
  if (code) run.type = Scalar.BLOCK_LITERAL;
  setKey(ctx.doc, stage, 'shell', 'python', 'run');
  const unquoted = unquoteExpressions(original);
  for (const offset of quotedExpressions(unquoted)) {
    ctx.notes.push({ ...note(ctx, run, 'to finish: a ${{ }} inside a Python string literal (assign it to a variable first: x = ${{ … }}, then f"… {x}")'), ...lineInScript(ctx, run, unquoted, offset) });
  }
  if (isScalar(valueOf(stage, 'id'))) ctx.pythonIds.set(String(scalar(valueOf(stage, 'id'))), stage);
}

/** The place in the original text of an offset into a scalar's value (a block scalar starts a line below its indicator). */
function lineInScript(ctx: Ctx, node: Scalar, script: string, offset: number): { line: number; col: number } {
  const start = where(ctx.lines, node);
  const block = ctx.text.slice(node.range![0], node.range![0] + 1) === '|' || ctx.text.slice(node.range![0], node.range![0] + 1) === '>';
  const line = start.line + script.slice(0, offset).split('\n').length - 1 + (block ? 1 : 0);
  const text = ctx.text.split('\n')[line - 1] ?? '';
  const col = text.indexOf('${{');
  return col === -1 ? start : { line, col: col + 1 };
}
