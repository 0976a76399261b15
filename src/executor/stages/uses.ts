import { WfError, type SourceLoc } from '../../errors/index.js';
import { renderDeep } from '../../template/index.js';
import type { StageRunner } from '../stage-context.js';

// Loaded on first use, once: a worker that only runs shell stages never pays for the registry, and
// a dynamic import per stage would go through every loader hook (tsx's, once a .ts hook is loaded).
let registry: Promise<typeof import('../../registry/index.js')> | undefined;

/** Calls a registry hook in this worker; its returned object becomes the stage's outputs. */
export const runUses: StageRunner = async ({ stage, ctx, render, task, path, signal, log }) => {
  if (stage.kind !== 'uses') throw new TypeError('not a uses stage');
  const { resolveHook, validateWith } = await (registry ??= import('../../registry/index.js'));
  const hook = await resolveHook(stage.uses, task.registry).catch((e: unknown) => {
    throw e instanceof WfError ? e.at(stage.loc) : e;
  });
  const args = renderDeep(stage.with, ctx, render) as Record<string, unknown>;
  const { value, problems } = validateWith(hook, args);
  if (problems.length > 0) {
    const p = problems[0]!;
    throw new WfError('E_HOOK_WITH', `${stage.uses}: with.${p.key}: ${p.message}`, { loc: stage.loc, hint: p.hint });
  }
  const secrets: Record<string, string> = {};
  for (const name of task.secretParams) secrets[name] = String(task.params[name] ?? '');
  const result = await hook.run(value, {
    log: (message: string) => log('log', String(message)),
    signal,
    run: { id: task.runId, pipeline: task.pipeline, job: task.jobKey, stage: stage.id ?? path, attempt: task.attempt, release: task.release },
    secrets,
  });
  if (result === undefined || result === null) return {};
  const data = plainData(result, stage.uses, stage.loc);
  return typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : { value: data };
};

/**
 * A hook's return value as plain JSON data, the only thing outputs can carry across threads and into
 * the store: BigInt becomes a string, functions and symbols are dropped, a cycle is the hook's error.
 */
function plainData(value: unknown, uses: string, loc: SourceLoc): unknown {
  try {
    return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? 'null');
  } catch (e) {
    throw new WfError('E_STAGE', `${uses} returned a value that is not JSON data: ${(e as Error).message.split('\n')[0]}`, {
      loc,
      hint: 'return a plain object of strings, numbers, booleans, lists and maps',
    });
  }
}
