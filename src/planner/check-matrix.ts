import { WfError, didYouMean } from '../errors/index.js';
import type { MatrixSpec } from './types.js';

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'a map' : `${typeof value} ${JSON.stringify(value)}`;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One problem of a matrix and where in it: `['axes', 'region']`, `['include', 0]`, `['exclude', 1, 'os']`. */
export interface MatrixProblem {
  where: Array<string | number>;
  error: WfError;
}

function entryProblems(spec: MatrixSpec, which: 'include' | 'exclude'): MatrixProblem[] {
  const list: unknown = spec[which];
  if (list === undefined) return [];
  if (!Array.isArray(list)) {
    return [{ where: [which], error: new WfError('E_TYPE', `matrix ${which} must be a list of maps, got ${describe(list)}`, { hint: `write ${which}: [{key: value, …}, …]` }) }];
  }
  return list.flatMap((entry: unknown, i) =>
    isMap(entry) ? [] : [{ where: [which, i], error: new WfError('E_TYPE', `matrix ${which}[${i}] must be a map, got ${describe(entry)}`, { hint: `each ${which} entry is a map such as {region: eu}` }) }],
  );
}

/**
 * Every way the matrix lacks the shape expandMatrix relies on: axes that are lists, include/exclude
 * lists of maps, and exclude keys that name axes (GitHub rejects those too). The loader places
 * each one in the YAML (for literal matrices); the planner throws the first (for rendered ones).
 */
export function matrixProblems(spec: MatrixSpec): MatrixProblem[] {
  if (!isMap(spec) || !isMap(spec.axes)) {
    return [{ where: [], error: new WfError('E_TYPE', `matrix must be a map of axes, got ${describe(isMap(spec) ? spec.axes : spec)}`, { hint: 'write matrix: {axis: [value, …]}' }) }];
  }
  const axes = Object.keys(spec.axes);
  const problems: MatrixProblem[] = [];
  for (const axis of axes) {
    const values: unknown = spec.axes[axis];
    if (!Array.isArray(values)) {
      problems.push({
        where: ['axes', axis],
        error: new WfError('E_TYPE', `matrix axis '${axis}' must be a list, got ${describe(values)}`, { hint: `write ${axis}: [${JSON.stringify(values) ?? 'value'}] for a single value` }),
      });
    }
  }
  problems.push(...entryProblems(spec, 'include'), ...entryProblems(spec, 'exclude'));
  const excludes = Array.isArray(spec.exclude) ? spec.exclude : [];
  excludes.forEach((entry, i) => {
    if (!isMap(entry)) return;
    for (const key of Object.keys(entry)) {
      if (!Object.hasOwn(spec.axes, key)) {
        problems.push({ where: ['exclude', i, key], error: new WfError('E_TYPE', `matrix exclude key '${key}' is not an axis of the matrix`, { hint: didYouMean(key, axes, 'an axis') }) });
      }
    }
  });
  return problems;
}

/** Throws the first problem (E_TYPE) unless the rendered matrix has the shape expandMatrix relies on. */
export function checkMatrix(spec: MatrixSpec): void {
  const first = matrixProblems(spec)[0];
  if (first) throw first.error;
}
