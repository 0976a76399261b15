import { WfError } from '../../errors/index.js';
import { renderDeep, truthy } from '../../template/index.js';
import { StageFailure, type StageRunner } from '../stage-context.js';

/**
 * `until:` runs its stages, then checks the expression (it sees that pass's `stages.<id>`); again
 * until it is true. Reaching `max-loop` passes without it fails the stage, saying so.
 * Outputs: the last pass's `{<id>: outputs}` and `passes`.
 */
export const runUntil: StageRunner = async (run) => {
  const { stage, ctx, render, path, log } = run;
  if (stage.kind !== 'until') throw new TypeError('not an until stage');
  for (let pass = 0; ; pass++) {
    const r = await run.nested(stage.stages, {}, `${path}.${pass}`);
    const outputs = { ...r.stages, passes: pass + 1 };
    if (r.status === 'failed') throw new StageFailure(r.error ?? new WfError('E_STAGE', 'a stage of the loop failed', { loc: stage.loc }), outputs);
    if (r.status === 'cancelled') throw new StageFailure(new WfError('E_STAGE', 'cancelled', { loc: stage.loc }), outputs, true);
    const passCtx = { ...ctx, stages: { ...ctx.stages, ...Object.fromEntries(Object.entries(r.stages).map(([id, o]) => [id, { outputs: o, status: 'success' }])) } };
    if (truthy(renderDeep(stage.until, passCtx, render))) return outputs;
    if (pass + 1 >= stage.maxLoop) {
      throw new StageFailure(new WfError('E_STAGE', `until: still false after ${stage.maxLoop} passes (max-loop)`, { loc: stage.loc, hint: 'raise max-loop, or check the until: expression' }), outputs);
    }
    log('log', `pass ${pass + 1}: until is false; again`);
  }
};
