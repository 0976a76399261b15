import { toText } from '../../template/index.js';
import { renderDeep } from '../../template/index.js';
import { PauseRequest, type StageRunner } from '../stage-context.js';

/**
 * `input:` pauses the run until `wf resume` brings values for its `schema:` (validated there, typed
 * like params). With them, the stage succeeds: its outputs are the values, also seen as `input.<field>`.
 */
export const runInput: StageRunner = async ({ stage, ctx, render, task, path }) => {
  if (stage.kind !== 'input') throw new TypeError('not an input stage');
  const given = task.inputs?.[path];
  if (!given) {
    const schema = Object.fromEntries(Object.entries(stage.schema).map(([k, spec]) => [k, spec]));
    throw new PauseRequest(toText(renderDeep(stage.prompt, ctx, render)), schema);
  }
  ctx.input = { ...ctx.input, ...given };
  return { ...given };
};
