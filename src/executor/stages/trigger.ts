import { WfError } from '../../errors/index.js';
import { renderDeep, toText } from '../../template/index.js';
import { StageFailure, type StageRunner } from '../stage-context.js';

/**
 * `trigger:` runs another pipeline as a run of its own, linked to this one, and waits for it. The
 * child's failure fails the stage; a cancel of this run cancels the child.
 * Outputs: `status`, `run_id` and `jobs` (each job's outputs).
 */
export const runTrigger: StageRunner = async (run) => {
  const { stage, ctx, render, task, signal, log } = run;
  if (stage.kind !== 'trigger') throw new TypeError('not a trigger stage');
  const pipeline = toText(renderDeep(stage.trigger, ctx, render));
  const params = renderDeep(stage.params, ctx, render) as Record<string, unknown>;
  const child = await run.startChild({ pipeline, params: params ?? {}, parentRunId: task.runId, signal });
  log('log', `child run ${child.runId} (${pipeline}) ${child.status}`);
  const outputs = { status: child.status, run_id: child.runId, jobs: child.jobs };
  if (child.status === 'success') return outputs;
  if (child.status === 'cancelled' && signal.aborted) throw new StageFailure(new WfError('E_STAGE', 'cancelled', { loc: stage.loc }), outputs, true);
  throw new StageFailure(new WfError('E_STAGE', `child run ${child.runId} of '${pipeline}' ${child.status}${child.error ? `: ${child.error.message}` : ''}`, { loc: stage.loc, hint: `see 'wf logs ${child.runId}'` }), outputs);
};
