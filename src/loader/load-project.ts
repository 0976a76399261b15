import { resolve } from 'node:path';
import { isMap, isScalar } from 'yaml';
import { closest, didYouMean, WfError, WfErrors } from '../errors/index.js';
import { onSchema, TEMPLATE_TYPES } from '../model/schema.js';
import type { OnTemplate, Pipeline, Stage } from '../model/types.js';
import { pipelineStages } from '../model/walk-stages.js';
import { hasTemplate } from '../template/index.js';
import { checkExpressions } from './check-expressions.js';
import { checkNeeds } from './check-needs.js';
import { checkTriggerParams } from './check-trigger-params.js';
import { checkAfterSchedules, checkTriggerCycles } from './check-triggers.js';
import { checkCron, checkTimezone } from './check-schedule.js';
import { compilePipeline, defaultTimezone } from './compile-pipeline.js';
import { ddeutilOnForms, ddeutilType } from './ddeutil-forms.js';
import { discoverConf, type ConfFile } from './discover.js';
import { checkShape } from './shape-errors.js';
import { isSingleTemplate, SingleTemplateSource } from './single-template.js';
import { SourceFile } from './source.js';
import { noteSecretDefaults, noteSecretDefaultsInText } from '../errors/secret-text.js';

export interface Project {
  confDir: string;
  pipelines: Map<string, Pipeline>;
  ons: Map<string, OnTemplate>;
  /** Every template name in conf/ (parsed or not) with where it is defined. */
  names: Map<string, Array<{ file: string; line: number }>>;
}

export interface LoadOptions {
  conf: string;
  /** Load only these templates and what they reference (`wf run X` on a large conf/). */
  only?: string[];
  /** Files already read by `discoverConf` (the model cache reads them first). */
  files?: ConfFile[];
}

/**
 * Reads conf/, validates and compiles templates. Throws one WfErrors holding every problem found.
 * @example const project = loadProject({ conf: 'conf', only: ['hello-world'] });
 */
export function loadProject(options: LoadOptions): Project {
  const { project, errors } = inspectProject(options);
  if (errors.length > 0) throw new WfErrors(errors);
  return project;
}

/**
 * Like `loadProject` but returns the problems beside whatever compiled cleanly, so a caller
 * (`wf validate`) can go on checking what it can, such as the hooks the pipelines use.
 */
export function inspectProject(options: LoadOptions): { project: Project; errors: WfError[]; failed: Set<string> } {
  const confDir = resolve(options.conf);
  const files = options.files ?? discoverConf(confDir);
  const errors: WfError[] = [];
  const parsed = new Map<string, SourceFile>();
  const parse = (f: ConfFile): SourceFile => {
    let src = parsed.get(f.file);
    if (!src) {
      src = new SourceFile(f.file, f.text);
      // A file that does not read as YAML gives no values: its secret defaults are found in the text.
      if (src.errors.length > 0) noteSecretDefaultsInText(f.text);
      // ddeutil-workflow's one-template file is one template (reported as such), not one per key.
      if (src.errors.length === 0 && isSingleTemplate(src)) src = new SingleTemplateSource(f.file, f.text);
      parsed.set(f.file, src);
    }
    return src;
  };
  const reported = new Set<string>();
  const report = (src: SourceFile): void => {
    if (reported.has(src.file)) return;
    reported.add(src.file);
    errors.push(...src.errors);
  };

  // Index every name cheaply; files the line scan cannot read are parsed now. With `only`, their
  // problems matter only if a wanted name is missing (it may be in the file that did not parse).
  const names = new Map<string, Array<{ file: string; line: number }>>();
  const fileOf = new Map<string, ConfFile>();
  const unreadable: SourceFile[] = [];
  for (const f of files) {
    if (f.problem) {
      // Reported like a file that did not parse: always by `wf validate`, by `wf run X` only if X is missing.
      const src = parse(f);
      src.errors.push(f.problem);
      unreadable.push(src);
      continue;
    }
    let found = f.names;
    if (found && found.some((n) => n.name === 'name') && found.some((n) => n.name === 'jobs')) found = null;
    if (!found) {
      const src = parse(f);
      found = namesFromDoc(src);
      if (src.errors.length > 0) unreadable.push(src);
      else if (src.doc.contents !== null && !isMap(src.doc.contents)) {
        src.errors.push(new WfError('E_TYPE', 'a conf file must be a map of template names to templates', { loc: src.loc([]), hint: 'hello-world:\n    type: Pipeline\n    jobs: …' }));
        unreadable.push(src);
      }
    }
    for (const { name, line } of found) {
      const list = names.get(name) ?? [];
      list.push({ file: f.file, line });
      names.set(name, list);
      if (!fileOf.has(name)) fileOf.set(name, f);
    }
  }

  const project: Project = { confDir, pipelines: new Map(), ons: new Map(), names };
  // Templates with a problem of their own (or in what they reference): `wf list` shows the rest.
  const failed = new Set<string>();
  const wanted = options.only ? new Set<string>() : new Set(names.keys());
  const queue = [...(options.only ?? names.keys())];
  const compiled = new Set<string>();
  const onRefs: Array<{ pipeline: Pipeline; name: string; index: number }> = [];
  const roots = new Map<SourceFile, Record<string, unknown> | null>();
  const rootOf = (src: SourceFile): Record<string, unknown> | null => {
    if (roots.has(src)) return roots.get(src)!;
    const result = src.toJS();
    let root: Record<string, unknown> | null = null;
    if ('error' in result) {
      errors.push(result.error);
      noteSecretDefaultsInText(src.text);
    } else if (result.value !== null && typeof result.value === 'object' && !Array.isArray(result.value)) root = result.value as Record<string, unknown>;
    noteSecretDefaults(root); // so no diagnostic's excerpt shows one
    roots.set(src, root);
    return root;
  };

  let missing = false;
  // Templates still to compile per file: a file's parsed document is dropped after its last one, so
  // memory holds one file's YAML tree at a time, not all of conf/ (100k templates: GBs, and GC time).
  const left = new Map<string, number>();
  for (const places of names.values()) for (const p of places) left.set(p.file, (left.get(p.file) ?? 0) + 1);
  const done = (file: string): void => {
    const n = (left.get(file) ?? 1) - 1;
    left.set(file, n);
    if (n > 0) return;
    const src = parsed.get(file);
    if (src && src.errors.length === 0) {
      parsed.delete(file);
      roots.delete(src);
    }
  };
  for (let next = 0; next < queue.length; next++) {
    const name = queue[next]!;
    if (compiled.has(name)) continue;
    compiled.add(name);
    wanted.add(name);
    const file = fileOf.get(name);
    if (!file) {
      missing = true; // reported by whoever referenced it; it may be in a file that did not parse
      continue;
    }
    const src = parse(file);
    report(src);
    if (src.errors.length > 0) continue;
    const root = rootOf(src);
    const single = src instanceof SingleTemplateSource;
    if (!root || (!single && !Object.hasOwn(root, name))) {
      done(file.file);
      continue;
    }
    const raw = single ? src.body(root) : root[name];
    const before = errors.length;
    if (single) errors.push(src.formError());
    const compiledOne = compileTemplate(name, raw, src, errors);
    if (compiledOne?.kind === 'Pipeline') {
      // The checks that need the YAML's positions, while the file is parsed.
      errors.push(...checkNeeds(compiledOne.pipeline, src));
      errors.push(...checkExpressions(compiledOne.pipeline, compiledOne.raw, src));
    }
    done(file.file);
    if (errors.length > before) failed.add(name);
    if (!compiledOne) continue;
    if (compiledOne.kind === 'On') project.ons.set(name, compiledOne);
    else {
      project.pipelines.set(name, compiledOne.pipeline);
      for (const ref of compiledOne.onNames) {
        onRefs.push({ pipeline: compiledOne.pipeline, ...ref });
        queue.push(ref.name);
      }
      for (const target of triggerTargets(compiledOne.pipeline)) queue.push(target.name);
    }
  }

  if (!options.only || missing) unreadable.forEach(report);

  for (const [name, places] of names) {
    if (places.length > 1 && wanted.has(name)) {
      const [first, ...rest] = places;
      for (const p of rest) {
        errors.push(new WfError('E_DUPLICATE_NAME', `template '${name}' is defined twice`, { loc: { file: p.file, line: p.line, col: 1, length: name.length }, hint: `the first is at ${first!.file}:${first!.line}; template names are unique across conf/` }));
      }
    }
  }

  for (const { pipeline, name, index } of onRefs) {
    const on = project.ons.get(name);
    const ref = pipeline.on[index]!;
    if (on && !failed.has(name)) Object.assign(ref, { cron: on.cron, timezone: on.timezone });
    else {
      failed.add(pipeline.name);
      if (on) continue; // a broken On template: its own errors say why
      if (!project.pipelines.has(name) && fileOf.has(name)) continue; // defined but broken: its own errors say why
      const what = project.pipelines.has(name) ? `'${name}' is a Pipeline, not an On schedule` : `unknown schedule '${name}'`;
      const match = project.pipelines.has(name) ? undefined : closest(name, names.keys());
      errors.push(new WfError('E_UNKNOWN_ON', what, { loc: ref.loc, hint: match ? `did you mean '${match}'?` : "name a 'type: On' template, or write the schedule inline as {cron: '0 2 * * *'}" }));
    }
  }

  for (const pipeline of project.pipelines.values()) {
    const before = errors.length;
    errors.push(...checkTriggerParams(pipeline, project.pipelines));
    for (const target of triggerTargets(pipeline)) {
      if (hasTemplate(target.name)) continue; // a name given by an expression is checked when it is rendered
      if (project.pipelines.has(target.name) || (fileOf.has(target.name) && !project.ons.has(target.name))) continue;
      const what = project.ons.has(target.name) ? `trigger: '${target.name}' is an On schedule, not a pipeline` : `trigger: unknown pipeline '${target.name}'`;
      const match = project.ons.has(target.name) ? undefined : closest(target.name, names.keys());
      errors.push(new WfError('E_UNKNOWN_TEMPLATE', what, { loc: target.loc, hint: match ? `did you mean '${match}'?` : "trigger: takes the name of a 'type: Pipeline' template (see 'wf list')" }));
    }
    if (errors.length > before) failed.add(pipeline.name);
  }
  for (const [name, places] of names) if (places.length > 1 && wanted.has(name)) failed.add(name);

  const cycles = checkTriggerCycles(project.pipelines);
  if (cycles.length > 0) for (const p of project.pipelines.values()) if (cycles.some((e) => e.message.includes(`${p.name} →`))) failed.add(p.name);
  errors.push(...cycles);
  const afters = checkAfterSchedules(project.pipelines, !options.only);
  for (const e of afters) for (const p of project.pipelines.values()) if (p.on.some((s) => s.loc === e.loc)) failed.add(p.name);
  errors.push(...afters);
  return { project, errors: dedupe(sortErrors(errors)), failed };
}

function compileTemplate(name: string, raw: unknown, src: SourceFile, errors: WfError[]): (OnTemplate | { kind: 'Pipeline'; pipeline: Pipeline; onNames: Array<{ name: string; index: number }>; raw: Record<string, unknown> }) | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    errors.push(new WfError('E_TYPE', `template '${name}' must be a map with a type:`, { loc: src.loc([name]), hint: 'e.g. type: Pipeline (or On), then its fields indented below' }));
    return undefined;
  }
  let type = (raw as { type?: unknown }).type;
  const foreign = ddeutilType(type);
  if (foreign) {
    errors.push(new WfError('E_TYPE', `unknown template type '${String(type)}'`, { loc: src.loc([name, 'type']), hint: foreign.hint }));
    if (!foreign.as) return undefined;
    // Checked as what it stands for, so the rest of the template is reported in the same pass.
    type = foreign.as;
    raw = { ...raw, type };
  }
  if (type === 'On') {
    const forms = ddeutilOnForms(raw as Record<string, unknown>, src, [name]);
    errors.push(...forms.errors);
    const { data, errors: shapeErrors } = checkShape(onSchema, forms.value, src, [name]);
    errors.push(...shapeErrors);
    if (!data) return undefined;
    const timezone = data.timezone ?? defaultTimezone();
    const cronError = checkCron(data.cron, src.loc([name, 'cron']));
    if (cronError) errors.push(cronError);
    const tzError = checkTimezone(timezone, src.loc([name, data.timezone ? 'timezone' : 'type']));
    if (tzError) errors.push(tzError);
    return { kind: 'On', name, file: src.file, loc: src.keyLoc([name]), desc: data.desc ?? '', cron: data.cron, timezone };
  }
  if (type === 'Pipeline' || type === 'Workflow') {
    const result = compilePipeline(name, raw as Record<string, unknown>, src);
    errors.push(...result.errors);
    return result.value ? { kind: 'Pipeline', pipeline: result.value, onNames: result.onNames, raw: result.raw } : undefined;
  }
  const loc = type === undefined ? src.keyLoc([name]) : src.loc([name, 'type']);
  errors.push(
    new WfError('E_TYPE', type === undefined ? `template '${name}' has no type:` : `unknown template type '${String(type)}'`, {
      loc,
      hint: (type === undefined ? undefined : didYouMean(String(type), ['Pipeline', 'On'])) ?? `add type: ${TEMPLATE_TYPES.filter((t) => t !== 'Workflow').join(' or type: ')}`,
    }),
  );
  return undefined;
}

function triggerTargets(pipeline: Pipeline): Array<{ name: string; loc: Stage['loc'] }> {
  return [...pipelineStages(pipeline)].flatMap((s) => (s.kind === 'trigger' ? [{ name: s.trigger, loc: s.loc }] : []));
}

function namesFromDoc(src: SourceFile): Array<{ name: string; line: number }> {
  if (src instanceof SingleTemplateSource) return [{ name: src.templateName, line: src.keyLoc([]).line }];
  const contents = src.doc.contents;
  if (!isMap(contents)) return [];
  return contents.items.flatMap((pair) =>
    isScalar(pair.key) && pair.key.range ? [{ name: String(pair.key.value), line: src.locAt(pair.key.range[0]).line }] : [],
  );
}

function sortErrors(errors: WfError[]): WfError[] {
  return [...errors].sort((a, b) => {
    const fa = a.loc?.file ?? '';
    const fb = b.loc?.file ?? '';
    if (fa !== fb) return fa < fb ? -1 : 1;
    return (a.loc?.line ?? 0) - (b.loc?.line ?? 0) || (a.loc?.col ?? 0) - (b.loc?.col ?? 0);
  });
}


/** The same problem found twice (one reference walked from two places) is reported once. */
function dedupe(errors: WfError[]): WfError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.loc?.file}:${e.loc?.line}:${e.loc?.col}:${e.code}:${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
