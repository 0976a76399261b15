import { WfError } from '../errors/index.js';
import type { SourceFile, YamlPath } from './source.js';

type Raw = Record<string, unknown>;

const IMPORT = "'wf import ddeutil FILE' rewrites ddeutil-workflow templates into this form";

/**
 * ddeutil-workflow's spellings that wf writes differently. Each one found becomes one precise error
 * (never a did-you-mean that points elsewhere), and the returned copy has it rewritten to wf's
 * form, so every other check of the template (cron, needs, expressions, hooks) still runs in the
 * same pass instead of stopping at the first foreign key.
 * @example ddeutilForms({ type: 'Workflow', jobs: { a: { id: 'a', stages: [] } } }, src, ['p']).errors[0].hint
 */
export function ddeutilForms(raw: Raw, src: SourceFile, base: YamlPath): { value: Raw; errors: WfError[]; onPath: YamlPath } {
  const value = structuredClone(raw);
  const errors: WfError[] = [];
  const key = (path: YamlPath, message: string, hint: string) => errors.push(new WfError('E_UNKNOWN_KEY', message, { loc: src.keyLoc(path), hint }));
  const rename = (obj: Raw, from: string, to: string, path: YamlPath, where: string) => {
    if (!Object.hasOwn(obj, from)) return;
    key([...path, from], `unknown key '${from}'${where}`, `wf calls it ${to}: (rename ${from}: to ${to}:)`);
    if (!Object.hasOwn(obj, to)) obj[to] = obj[from];
    delete obj[from];
  };

  rename(value, 'description', 'desc', base, ' in the template');
  rename(value, 'parameters', 'params', base, ' in the template');
  const events = Object.hasOwn(value, 'events') && !Object.hasOwn(value, 'on');
  rename(value, 'events', 'on', base, ' in the template');
  const onPath = onForms(value, src, [...base, events ? 'events' : 'on'], errors);
  const paramsKey = Object.hasOwn(raw, 'params') || !Object.hasOwn(raw, 'parameters') ? 'params' : 'parameters';
  for (const [name, spec] of Object.entries(isMap(value.params) ? value.params : {})) {
    if (!isMap(spec)) continue;
    const path = [...base, paramsKey, name];
    rename(spec, 'description', 'desc', path, ` in param '${name}'`);
    rename(spec, 'choices', 'options', path, ` in param '${name}'`);
    if (spec.type === 'string') {
      errors.push(new WfError('E_TYPE', `param '${name}': unknown type 'string'`, { loc: src.loc([...path, 'type']), hint: "wf calls it str (ddeutil-workflow's 'string')" }));
      spec.type = 'str';
    }
  }
  for (const [id, job] of Object.entries(isMap(value.jobs) ? value.jobs : {})) {
    if (isMap(job)) jobForms(id, job, [...base, 'jobs', id], src, errors, rename);
  }
  return { value, errors, onPath };
}

type Rename = (obj: Raw, from: string, to: string, path: YamlPath, where: string) => void;

/**
 * `on: {schedule: [{cronjob: …}]}` (ddeutil's event form) and `cronjob:` entries → `on: [{cron: …}]`.
 * Returns where the list of schedules is written, for the locations of later checks.
 */
function onForms(value: Raw, src: SourceFile, at: YamlPath, errors: WfError[]): YamlPath {
  let entries = value.on;
  let path = at;
  if (isMap(entries) && Object.hasOwn(entries, 'schedule')) {
    errors.push(
      new WfError('E_TYPE', "on: {schedule: [...]} is ddeutil-workflow's form", {
        loc: src.keyLoc([...path, 'schedule']),
        hint: `in wf, on: is the list of schedules itself: on: [{cron: '0 2 * * *', timezone: UTC}]; ${IMPORT}`,
      }),
    );
    const { schedule, ...rest } = entries;
    if (Object.keys(rest).length > 0) {
      errors.push(new WfError('E_UNKNOWN_KEY', `unknown key '${Object.keys(rest)[0]}' in on`, { loc: src.keyLoc([...path, Object.keys(rest)[0]!]), hint: 'on: lists schedules: names of On templates or {cron, timezone} maps' }));
    }
    entries = schedule;
    value.on = schedule;
    path = [...path, 'schedule'];
  }
  const list = Array.isArray(entries) ? entries : [entries];
  list.forEach((entry, i) => {
    if (!isMap(entry) || !Object.hasOwn(entry, 'cronjob')) return;
    const at = Array.isArray(entries) ? [...path, i] : path;
    errors.push(new WfError('E_UNKNOWN_KEY', "unknown key 'cronjob' in a schedule", { loc: src.keyLoc([...at, 'cronjob']), hint: "wf calls it cron: (ddeutil-workflow's cronjob:)" }));
    if (!Object.hasOwn(entry, 'cron')) entry.cron = entry.cronjob;
    delete entry.cronjob;
  });
  return path;
}

function jobForms(id: string, job: Raw, path: YamlPath, src: SourceFile, errors: WfError[], rename: Rename): void {
  const where = ` in job '${id}'`;
  const drop = (k: string, hint: string, message = `unknown key '${k}'${where}`) => {
    if (!Object.hasOwn(job, k)) return;
    errors.push(new WfError('E_UNKNOWN_KEY', message, { loc: src.keyLoc([...path, k]), hint }));
    delete job[k];
  };
  drop('id', job.id === id ? `the key under jobs: is the job's id ('${id}'): remove this line` : `the key under jobs: is the job's id: rename the job to '${String(job.id)}' or remove this line`, `a job has no id: key (job '${id}')`);
  if (!Object.hasOwn(job, 'name')) rename(job, 'desc', 'name', path, where);
  if (!Object.hasOwn(job, 'name')) rename(job, 'description', 'name', path, where);
  drop('desc', 'a job has a name: (shown in wf run) but no description; move the text into a YAML comment');
  drop('description', 'a job has a name: (shown in wf run) but no description; move the text into a YAML comment');
  const runsOn = isMap(job['runs-on']) ? job['runs-on'].type : job['runs-on'];
  drop(
    'runs-on',
    runsOn === 'local'
      ? 'wf runs every job on this machine (its worker pool), which is what runs-on: local meant: remove this key'
      : `wf runs every job on this machine (its worker pool); it has no '${String(runsOn)}' executor: remove runs-on: and call that service from a stage (a hook or a run: script)`,
  );
  if (Object.hasOwn(job, 'matrix')) {
    errors.push(new WfError('E_UNKNOWN_KEY', `unknown key 'matrix'${where}`, { loc: src.keyLoc([...path, 'matrix']), hint: 'a matrix goes under strategy: (strategy: {matrix: {axis: [a, b]}})' }));
    const strategy = isMap(job.strategy) ? job.strategy : {};
    strategy.matrix ??= job.matrix;
    job.strategy = strategy;
    delete job.matrix;
  }
  if (isMap(job.strategy)) {
    rename(job.strategy, 'max_parallel', 'max-parallel', [...path, 'strategy'], ` in job '${id}' strategy`);
    rename(job.strategy, 'max-workers', 'max-parallel', [...path, 'strategy'], ` in job '${id}' strategy`);
  }
  stageListForms(job.stages, [...path, 'stages'], src, errors, rename);
}

function stageListForms(list: unknown, path: YamlPath, src: SourceFile, errors: WfError[], rename: Rename): void {
  if (!Array.isArray(list)) return;
  list.forEach((stage, i) => {
    if (isMap(stage)) stageForms(stage, [...path, i], src, errors, rename);
  });
}

const STAGE_DROPS: Record<string, string> = {
  type: "wf picks a stage's kind from its keys (run:, echo:, uses:, …): remove type:",
  vars:
    "ddeutil-workflow's vars: set Python variables for a run: script; wf has none: pass values through env: and read them there (os.environ['X'] or $X)",
  deps: 'wf has no per-stage virtualenv: install the packages before the run (or in an earlier run: stage)',
  item: "wf's until: has no loop variable: it repeats its stages until the expression is true (keep state in stage outputs)",
};

function stageForms(stage: Raw, path: YamlPath, src: SourceFile, errors: WfError[], rename: Rename): void {
  for (const [k, hint] of Object.entries(STAGE_DROPS)) {
    if (!Object.hasOwn(stage, k)) continue;
    errors.push(new WfError('E_UNKNOWN_KEY', `unknown key '${k}' in a stage`, { loc: src.keyLoc([...path, k]), hint }));
    delete stage[k];
  }
  rename(stage, 'concurrent', 'concurrency', path, ' in a foreach: stage');
  rename(stage, 'max-workers', 'max-parallel', path, ' in a parallel: stage');
  const shell = stage.shell ?? 'bash';
  for (const k of ['run', 'bash'] as const) {
    if (typeof stage[k] !== 'string' || (shell !== 'bash' && shell !== 'sh')) continue;
    doubledDollars(stage[k], [...path, k], src, errors);
    if (!Object.hasOwn(stage, 'shell')) pythonInShell(stage[k], [...path, k], src, errors);
  }
  stageListForms(stage.stages, [...path, 'stages'], src, errors, rename);
  if (isMap(stage.parallel)) for (const [b, list] of Object.entries(stage.parallel)) stageListForms(list, [...path, 'parallel', b], src, errors, rename);
  if (Array.isArray(stage.match)) {
    stage.match.forEach((m, i) => {
      if (!isMap(m)) return;
      stageListForms(m.stages, [...path, 'match', i, 'stages'], src, errors, rename);
      stageListForms(m.else, [...path, 'match', i, 'else'], src, errors, rename);
    });
  }
}

/**
 * `$$VAR` is ddeutil-workflow's escape for `$VAR` (it substitutes environment variables in conf
 * files first); bash reads it as the pid followed by 'VAR'. wf substitutes nothing, so it is an
 * error at the place it is written, with the two things it could have meant as the hint.
 */
function doubledDollars(script: string, path: YamlPath, src: SourceFile, errors: WfError[]): void {
  const node = src.nodeAt(path);
  if (!node?.range || !/\$\$[A-Za-z_{]/.test(script)) return;
  const text = src.text.slice(node.range[0], node.range[1]);
  for (const m of text.matchAll(/\$\$([A-Za-z_][A-Za-z0-9_]*|\{[A-Za-z_][A-Za-z0-9_]*\})/g)) {
    const name = m[1]!.replace(/[{}]/g, '');
    errors.push(
      new WfError('E_TYPE', `'$$${m[1]}' in a script: bash reads $$ as its process id, followed by the text '${m[1]}'`, {
        loc: src.locAt(node.range[0] + m.index!, m[0].length),
        hint: `write $${name} (ddeutil-workflow's $$ escape is not needed: wf does not substitute environment variables in conf files); for the pid followed by text write \${$}${m[1]}`,
      }),
    );
  }
}

// Lines no shell script has but Python scripts do (ddeutil-workflow's `run:` is Python).
const PYTHON_LINE =
  /^[ \t]*(import [A-Za-z_][\w.]*( as \w+)?|from [\w.]+ import [\w*, ()]+|def \w+\(.*\)\s*(->\s*[^:]+)?:|class \w+(\(.*\))?:|print\(.*\)|raise \w*(Error|Exception)\b.*|\w+\s*:\s*(int|str|float|bool|dict|list)\s*=.*)[ \t]*$/m;

/**
 * A `run:` with no `shell:` runs in bash; a script written in Python (ddeutil-workflow's `run:`)
 * would only fail when it runs, with a bash syntax error. Placed at the first Python line.
 */
function pythonInShell(script: string, path: YamlPath, src: SourceFile, errors: WfError[]): void {
  const m = PYTHON_LINE.exec(script);
  const node = src.nodeAt(path);
  if (!m || !node?.range) return;
  const line = m[0].trim();
  const at = src.text.indexOf(line, node.range[0]);
  errors.push(
    new WfError('E_TYPE', `this run: script is Python ('${line.length > 40 ? `${line.slice(0, 40)}…` : line}'), but a run: without shell: runs in bash`, {
      loc: at >= 0 && at < node.range[1] ? src.locAt(at, line.length) : src.loc(path),
      hint: "add shell: python to the stage (ddeutil-workflow ran run: as Python; 'wf import ddeutil' does this)",
    }),
  );
}

function isMap(v: unknown): v is Raw {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * ddeutil-workflow's template types (its class names) → the wf type they correspond to, with the
 * error that says so; undefined for a type that is not one of theirs.
 * @example ddeutilType('ddeutil.workflow.Workflow') // → { as: 'Pipeline', hint: … }
 */
export function ddeutilType(type: unknown): { as: 'Pipeline' | 'On' | null; hint: string } | undefined {
  if (typeof type !== 'string') return undefined;
  const last = type.split('.').pop()!;
  const dotted = type.includes('.') && /^ddeutil\./.test(type);
  if (last === 'Workflow' && dotted) return { as: 'Pipeline', hint: `'${type}' is ddeutil-workflow's class name: write type: Pipeline (or Workflow)` };
  if (['Crontab', 'CrontabYear', 'CronJob', 'CronJobYear', 'CronRunner'].includes(last) || (last === 'On' && dotted)) {
    return { as: 'On', hint: `'${type}' is ddeutil-workflow's schedule class: write type: On, with cron: and timezone:` };
  }
  if (last === 'Schedule' || last === 'Event') {
    return { as: null, hint: `ddeutil-workflow's '${type}' groups workflows with their schedules; in wf each pipeline lists its own schedules under on:, so move them there and remove this template` };
  }
  return undefined;
}

/** An On template written with ddeutil's `cronjob:` gets the precise error and is checked as `cron:`. */
export function ddeutilOnForms(raw: Raw, src: SourceFile, base: YamlPath): { value: Raw; errors: WfError[] } {
  if (!Object.hasOwn(raw, 'cronjob')) return { value: raw, errors: [] };
  const { cronjob, ...rest } = raw;
  const error = new WfError('E_UNKNOWN_KEY', "unknown key 'cronjob' in an On template", { loc: src.keyLoc([...base, 'cronjob']), hint: "wf calls it cron: (ddeutil-workflow's cronjob:)" });
  return { value: { cron: cronjob, ...rest }, errors: [error] };
}
