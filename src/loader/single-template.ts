import { isMap, isScalar, isSeq } from 'yaml';
import { WfError, type SourceLoc } from '../errors/index.js';
import { SourceFile, type YamlPath } from './source.js';

/**
 * True when a parsed file is one template in ddeutil-workflow's single-template form: a top-level
 * `name:` (a plain value) beside `jobs:`, instead of wf's map of names to templates.
 */
export function isSingleTemplate(src: SourceFile): boolean {
  const root = src.doc.contents;
  if (!isMap(root)) return false;
  const find = (k: string) => root.items.find((p) => isScalar(p.key) && p.key.value === k);
  const name = find('name');
  const jobs = find('jobs');
  return isScalar(name?.value) && typeof name.value.value === 'string' && isMap(jobs?.value);
}

/**
 * A single-template file seen as if its body were indented under its name: paths start with the
 * template's name like everywhere else in the loader, and point into the root map of the file.
 */
export class SingleTemplateSource extends SourceFile {
  readonly templateName: string;

  constructor(file: string, text: string) {
    super(file, text);
    this.templateName = String(this.doc.get('name'));
  }

  override nodeAt(path: YamlPath) {
    return super.nodeAt(path.slice(1));
  }

  override keyLoc(path: YamlPath): SourceLoc {
    if (path.length <= 1) return super.keyLoc(['name']);
    let parent: unknown = this.doc.contents;
    for (const step of path.slice(1, -1)) {
      if (isMap(parent)) parent = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === String(step))?.value;
      else if (isSeq(parent) && typeof step === 'number') parent = parent.items[step];
      else parent = undefined;
    }
    const last = String(path[path.length - 1]);
    const k = isMap(parent) ? parent.items.find((p) => isScalar(p.key) && String(p.key.value) === last)?.key : undefined;
    if (isScalar(k) && k.range) return this.locAt(k.range[0], Math.max(1, k.range[1] - k.range[0]));
    return this.loc(path);
  }

  /** The body of the template: the root map less `name:` (ddeutil's templates may omit `type:`). */
  body(root: Record<string, unknown>): Record<string, unknown> {
    const { name: _name, ...rest } = root;
    return { type: 'Workflow', ...rest };
  }

  /** The one error that says what this form is and how wf writes it. */
  formError(): WfError {
    return new WfError('E_TYPE', `this file is one template in ddeutil-workflow's form (a top-level name: '${this.templateName}')`, {
      loc: super.keyLoc(['name']),
      hint: `wf files map template names to templates: write '${this.templateName}:' on the first line, indent the rest under it and drop name:; 'wf import ddeutil ${this.file}' does it`,
    });
  }
}
