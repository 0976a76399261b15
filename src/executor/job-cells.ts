import { WfError } from '../errors/index.js';
import type { Job } from '../model/types.js';
import { expandMatrix, instanceKey } from '../planner/index.js';
import { renderDeep, type ExprContext } from '../template/index.js';
import { maskDeep } from './mask.js';

/** GitHub Actions' limit: a matrix that large is almost always a mistake in the axes. */
export const MAX_MATRIX_CELLS = 256;

export interface JobCell {
  /** Instance key (`aggregate (orders)`); built from masked values, so it can be shown and stored. */
  key: string;
  matrix: Record<string, unknown> | null;
  /** The cell with secrets masked: what records and events carry. */
  shown: Record<string, unknown> | null;
}

/**
 * Renders a job's matrix in `ctx` (params, needs outputs) and expands it into cells; one cell with
 * no matrix for a plain job. Used by the run and by the dry run, so both expand alike.
 */
export function jobCells(job: Job, ctx: ExprContext, mask: (text: string) => string): JobCell[] {
  if (!job.matrix) return [{ key: job.id, matrix: null, shown: null }];
  const cells = matrixCells(job, ctx);
  const axes = cells[0] ? Object.keys(cells[0]) : [];
  const used = new Set<string>();
  return cells.map((cell, index) => {
    const shown = maskDeep(cell, mask);
    let key = instanceKey(job.id, shown, axes);
    if (used.has(key)) key = `${key} #${index + 1}`;
    used.add(key);
    return { key, matrix: cell, shown };
  });
}

function matrixCells(job: Job, ctx: ExprContext): Array<Record<string, unknown>> {
  const m = job.matrix!;
  let axes = renderDeep(m.axes, ctx);
  let include = renderDeep(m.include, ctx);
  let exclude = renderDeep(m.exclude, ctx);
  if (typeof m.axes === 'string' && isMap(axes)) {
    // A whole-value matrix (`matrix: ${{ fromJSON(...) }}`) may carry its own include/exclude.
    const { include: inc, exclude: exc, ...rest } = axes;
    include = inc ?? include;
    exclude = exc ?? exclude;
    axes = rest;
  }
  if (!isMap(axes)) {
    throw new WfError('E_TYPE', `job '${job.id}': strategy.matrix must render to a map of axis → list`, { loc: job.loc, hint: 'e.g. matrix: {table: [orders, refunds]}' });
  }
  const size = Object.values(axes).reduce<number>((n, values) => n * (Array.isArray(values) ? values.length : 1), 1);
  if (size > MAX_MATRIX_CELLS) {
    throw new WfError('E_TYPE', `job '${job.id}': the matrix has ${size} cells; at most ${MAX_MATRIX_CELLS} are allowed`, {
      loc: job.loc,
      hint: 'split the work across jobs, or shorten an axis',
    });
  }
  let cells: Array<Record<string, unknown>>;
  try {
    cells = expandMatrix({ axes: axes as Record<string, unknown[]>, include: (include ?? []) as Record<string, unknown>[], exclude: (exclude ?? []) as Record<string, unknown>[] });
  } catch (e) {
    // A rendered matrix of the wrong shape is placed at its job (the loader places literal ones exactly).
    throw e instanceof WfError ? e.at(job.loc) : e;
  }
  if (cells.length > MAX_MATRIX_CELLS) {
    throw new WfError('E_TYPE', `job '${job.id}': the matrix has ${cells.length} cells; at most ${MAX_MATRIX_CELLS} are allowed`, { loc: job.loc, hint: 'list fewer include entries' });
  }
  return cells;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
