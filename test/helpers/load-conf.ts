import { join } from 'node:path';
import type { WfError } from '../../src/errors/index.js';
import { inspectProject, type Project } from '../../src/loader/index.js';
import { lineCol } from './diagnostics.js';
import { tmpProject } from './tmp-project.js';

export interface Inspected {
  dir: string;
  /** Absolute path of a file in the temp project (what `loc.file` holds for files outside the cwd). */
  path: (rel: string) => string;
  project: Project;
  errors: WfError[];
}

/**
 * Writes `files` (paths relative to the project, e.g. `conf/a.yml`) and inspects its `conf/`.
 * @example const { errors } = inspectFiles({ 'conf/a.yml': 'p: {type: Pipeline}' });
 */
export function inspectFiles(files: Record<string, string>, only?: string[]): Inspected {
  const dir = tmpProject(files);
  const { project, errors } = inspectProject({ conf: join(dir, 'conf'), only });
  return { dir, path: (rel) => join(dir, rel), project, errors };
}

/** A compact `CODE@line:col` view of errors, for readable assertions. */
export function codesAt(errors: WfError[]): string[] {
  return errors.map((e) => `${e.code}@${e.loc?.line ?? '?'}:${e.loc?.col ?? '?'}`);
}

/** Inspects one conf file; `at(needle)` gives the `line:col` of a piece of its text, for assertions. */
export function checkConf(text: string): { errors: WfError[]; at: (needle: string, nth?: number) => string } {
  const { errors } = inspectFiles({ 'conf/a.yml': text });
  const at = (needle: string, nth = 1) => {
    const { line, col } = lineCol(text, needle, nth);
    return `${line}:${col}`;
  };
  return { errors, at };
}
