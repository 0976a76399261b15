import { checkMatrix } from './check-matrix.js';
import { deepEqual } from './deep-equal.js';
import type { MatrixSpec } from './types.js';

type Cell = Record<string, unknown>;

/** Sets an own key even when it is named `__proto__` (plain assignment would change the prototype). */
function put(cell: Cell, key: string, value: unknown): void {
  Object.defineProperty(cell, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Every combination of the axes; the first axis varies slowest, as in GitHub Actions. */
function cartesian(axes: Record<string, unknown[]>): Cell[] {
  const names = Object.keys(axes);
  // No axes means no original combinations (not one empty one): the includes are the cells.
  if (names.length === 0) return [];
  let cells: Cell[] = [{}];
  for (const name of names) {
    const next: Cell[] = [];
    for (const cell of cells) {
      for (const value of axes[name]!) next.push({ ...cell, [name]: value });
    }
    cells = next;
  }
  return cells;
}

/** True when every key of `partial` is in `cell` with an equal value. */
function matchesAll(cell: Cell, partial: Cell): boolean {
  return Object.keys(partial).every((k) => Object.hasOwn(cell, k) && deepEqual(cell[k], partial[k]));
}

/**
 * Expands a rendered matrix into its cells with GitHub Actions semantics: the cartesian product
 * of the axes, minus cells partially matching an `exclude` entry, then each `include` entry
 * extends every original cell whose axis values it agrees with, or else becomes a cell of its own.
 * Throws E_TYPE (WfError) for an axis that is not a list or a malformed include/exclude.
 *
 * @example expandMatrix({ axes: { os: ['a', 'b'] }, include: [{ os: 'b', npm: 6 }] })
 *   // → [{ os: 'a' }, { os: 'b', npm: 6 }]
 */
export function expandMatrix(spec: MatrixSpec): Record<string, unknown>[] {
  checkMatrix(spec);
  const excludes = spec.exclude ?? [];
  const original = cartesian(spec.axes).filter((cell) => !excludes.some((ex) => matchesAll(cell, ex)));
  const extra: Cell[] = [];
  for (const entry of spec.include ?? []) {
    const axisPart: Cell = {};
    const addedPart: Cell = {};
    for (const [k, v] of Object.entries(entry)) {
      put(Object.hasOwn(spec.axes, k) ? axisPart : addedPart, k, v);
    }
    // Only original cells are candidates: an include never extends a cell another include created.
    let matched = false;
    for (const cell of original) {
      if (!matchesAll(cell, axisPart)) continue;
      for (const [k, v] of Object.entries(addedPart)) put(cell, k, v);
      matched = true;
    }
    if (!matched) extra.push({ ...entry });
  }
  return [...original, ...extra];
}
