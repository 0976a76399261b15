import { WfError } from '../../errors/index.js';
import { renderDeep, toText } from '../../template/index.js';
import { StageFailure, type StageRunner } from '../stage-context.js';

/**
 * `case:` + `match:` runs the first entry whose `case` equals the value (compared as text), else the
 * `else:` entry. No match and no else: nothing runs, said in the log. Outputs: the branch's
 * `{<id>: outputs}`, and `case` (the value matched, or null).
 */
export const runCase: StageRunner = async (run) => {
  const { stage, ctx, render, path, log } = run;
  if (stage.kind !== 'case') throw new TypeError('not a case stage');
  const value = toText(renderDeep(stage.case, ctx, render));
  const index = stage.match.findIndex((m) => !('else' in m) && toText(renderDeep(m.case, ctx, render)) === value);
  const chosen = index >= 0 ? index : stage.match.findIndex((m) => 'else' in m);
  if (chosen < 0) {
    log('log', `no case matched '${value}' and there is no else: nothing to run`);
    return { case: null };
  }
  const r = await run.nested(stage.match[chosen]!.stages, {}, `${path}.${chosen}`);
  const outputs = { ...r.stages, case: index >= 0 ? value : null };
  if (r.status === 'failed') throw new StageFailure(r.error ?? new WfError('E_STAGE', 'a stage of the case failed', { loc: stage.loc }), outputs);
  if (r.status === 'cancelled') throw new StageFailure(new WfError('E_STAGE', 'cancelled', { loc: stage.loc }), outputs, true);
  return outputs;
};
