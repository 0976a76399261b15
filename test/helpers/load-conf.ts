import { join } from 'node:path';
import type { WfError } from '../../src/errors/index.js';
import { inspectProject, type Project } from '../../src/loader/index.js';
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
