import { WfError } from '../../errors/index.js';
import { StageFailure, type NestedResult, type StageRunner } from '../stage-context.js';
import { runLimited } from './limited.js';

/**
 * `parallel:` runs its branches at once (`max-parallel` at most; `branch` is the branch's name).
 * Every branch runs to its end; the stage fails if one did. Outputs: per branch, `{<id>: outputs}`.
 */
export const runParallel: StageRunner = async (run) => {
  const { stage, path, signal } = run;
  if (stage.kind !== 'parallel') throw new TypeError('not a parallel stage');
  const names = Object.keys(stage.branches);
  const results = await runLimited(names, stage.maxParallel ?? names.length, (branch) => run.nested(stage.branches[branch]!, { branch }, `${path}.${branch}`), () => false, signal);
  const outputs: Record<string, unknown> = {};
  names.forEach((name, i) => (outputs[name] = results[i]?.stages ?? {}));
  const failed = names.filter((_, i) => results[i]?.status === 'failed');
  if (failed.length > 0) {
    const first = results[names.indexOf(failed[0]!)] as NestedResult;
    throw new StageFailure(new WfError('E_STAGE', `branch ${failed.map((b) => `'${b}'`).join(', ')} failed: ${first.error?.message ?? 'failed'}`, { loc: stage.loc }), outputs);
  }
  if (results.some((r) => !r || r.status === 'cancelled')) throw new StageFailure(new WfError('E_STAGE', 'cancelled', { loc: stage.loc }), outputs, true);
  return outputs;
};
