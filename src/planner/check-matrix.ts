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

function checkEntries(spec: MatrixSpec, which: 'include' | 'exclude'): void {
  const list: unknown = spec[which];
  if (list === undefined) return;
  if (!Array.isArray(list)) {
    throw new WfError('E_TYPE', `matrix ${which} must be a list of maps, got ${describe(list)}`, {
      hint: `write ${which}: [{key: value, …}, …]`,
    });
  }
  list.forEach((entry: unknown, i) => {
    if (!isMap(entry)) {
      throw new WfError('E_TYPE', `matrix ${which}[${i}] must be a map, got ${describe(entry)}`, {
        hint: `each ${which} entry is a map such as {region: eu}`,
      });
    }
  });
}

/**
 * Throws E_TYPE unless the rendered matrix has the shape expandMatrix relies on: axes that are
 * lists, include/exclude lists of maps, and exclude keys that name axes (GitHub rejects those too).
 */
export function checkMatrix(spec: MatrixSpec): void {
  if (!isMap(spec) || !isMap(spec.axes)) {
    throw new WfError('E_TYPE', `matrix must be a map of axes, got ${describe(isMap(spec) ? spec.axes : spec)}`, {
      hint: 'write matrix: {axis: [value, …]}',
    });
  }
  const axes = Object.keys(spec.axes);
  for (const axis of axes) {
    const values: unknown = spec.axes[axis];
    if (!Array.isArray(values)) {
      throw new WfError('E_TYPE', `matrix axis '${axis}' must be a list, got ${describe(values)}`, {
        hint: `write ${axis}: [${JSON.stringify(values) ?? 'value'}] for a single value`,
      });
    }
  }
  checkEntries(spec, 'include');
  checkEntries(spec, 'exclude');
  for (const entry of spec.exclude ?? []) {
    for (const key of Object.keys(entry)) {
      if (!Object.hasOwn(spec.axes, key)) {
        throw new WfError('E_TYPE', `matrix exclude key '${key}' is not an axis of the matrix`, {
          hint: didYouMean(key, axes, 'an axis'),
        });
      }
    }
  }
}
