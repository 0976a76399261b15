import { WfError } from '../../errors/index.js';
import { renderDeep } from '../../template/index.js';
import { StageFailure, type StageRunner } from '../stage-context.js';

/** Calls a registry hook in a worker thread; its returned object becomes the stage's outputs. */
export const runUses: StageRunner = async ({ stage, ctx, render, task, path, attempt, signal, log, callHook }) => {
  if (stage.kind !== 'uses') throw new TypeError('not a uses stage');
  const args = renderDeep(stage.with, ctx, render) as Record<string, unknown>;
  const secrets: Record<string, string> = {};
  for (const name of task.secretParams) secrets[name] = String(task.params[name] ?? '');
  const result = await callHook({
    uses: stage.uses,
    with: args,
    registry: task.registry,
    loc: stage.loc,
    run: { id: task.runId, pipeline: task.pipeline, job: task.jobKey, stage: stage.id ?? path, attempt, release: task.release },
    secrets,
    mask: task.secrets,
  });
  for (const line of result.logs) log(line.stream, line.text);
  if (result.error) {
    const error = WfError.fromJSON(result.error);
    throw signal.aborted ? new StageFailure(error, {}, true) : error;
  }
  return result.outputs ?? {};
};
