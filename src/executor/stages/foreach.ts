import { WfError } from '../../errors/index.js';
import { renderDeep } from '../../template/index.js';
import { StageFailure, type NestedResult, type StageRunner } from '../stage-context.js';
import { runLimited } from './limited.js';

/**
 * `foreach:` runs its stages once per item (`item`, `index`), `concurrency` at once. After an item
 * fails no new item starts (those running finish) and the stage fails.
 * Outputs: `items` (the list) and `results` (per item: `{item, index, status, stages: {<id>: outputs}}`).
 */
export const runForeach: StageRunner = async (run) => {
  const { stage, ctx, render, path, signal } = run;
  if (stage.kind !== 'foreach') throw new TypeError('not a foreach stage');
  let items = renderDeep(stage.foreach, ctx, render);
  if (typeof items === 'string' && /^\s*\[/.test(items)) items = JSON.parse(items) as unknown;
  if (!Array.isArray(items)) {
    throw new WfError('E_TYPE', `foreach: must be a list, got ${items === null ? 'null' : typeof items}`, { loc: stage.loc, hint: 'e.g. foreach: ${{ params.tables }} with an array param, or a literal [a, b]' });
  }
  const list = items;
  const results = await runLimited(list, stage.concurrency, (item, index) => run.nested(stage.stages, { item, index }, `${path}.${index}`), (r: NestedResult) => r.status !== 'success', signal);
  const outputs = {
    items: list,
    results: results.map((r, index) => ({ item: list[index], index, status: r?.status ?? 'cancelled', stages: r?.stages ?? {} })),
  };
  const failed = results.findIndex((r) => r && r.status === 'failed');
  if (failed >= 0) throw new StageFailure(new WfError('E_STAGE', `item ${failed} failed: ${results[failed]!.error?.message ?? 'failed'}`, { loc: stage.loc }), outputs);
  if (results.some((r) => !r || r.status === 'cancelled')) throw new StageFailure(new WfError('E_STAGE', 'cancelled', { loc: stage.loc }), outputs, true);
  return outputs;
};
