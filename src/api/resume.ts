import { systemClock } from '../clock/index.js';
import { didYouMean, WfError, WfErrors } from '../errors/index.js';
import type { PauseInfo } from '../executor/protocol.js';
import { coerceValue, type ValueSpec } from '../model/value-types.js';
import { currentOwner, type RunRecord } from '../store/index.js';
import { findRun } from './history.js';
import type { Locations } from './options.js';
import { describeChanges, retryParams, seedFrom } from './retry.js';
import { hashPipeline } from '../model/hash.js';
import { execute, loadPipeline, withRunResources, type PreparedRun, type RunOutcome, type StartRunOptions } from './run.js';

export interface ResumeRunOptions extends Locations, Omit<StartRunOptions, 'trigger' | 'claim' | 'parentRunId' | 'context'> {
  run: string;
  /** `-i k=v` values (text, coerced to the declared type). */
  inputs?: Record<string, string>;
  /** `--input-file` values (typed data). */
  inputFile?: Record<string, unknown>;
  force?: boolean;
}

/** The `input:` stages a paused run waits on (from its record). */
export function pausesOf(run: RunRecord): PauseInfo[] {
  return ((run.context?.pauses as PauseInfo[] | undefined) ?? []).filter((p) => p && typeof p === 'object');
}

/**
 * Checks input values against each waiting `input:` stage's schema: every field given, of its
 * type, nothing unknown. All problems at once; nothing changes when there is one.
 */
export function validateInputs(pauses: PauseInfo[], cli: Record<string, string> = {}, file: Record<string, unknown> = {}): Map<PauseInfo, Record<string, unknown>> {
  const errors: WfError[] = [];
  const fields = new Set(pauses.flatMap((p) => Object.keys(p.schema)));
  for (const name of [...Object.keys(cli), ...Object.keys(file)]) {
    if (!fields.has(name)) errors.push(new WfError('E_USAGE', `the run does not ask for input '${name}'`, { hint: didYouMean(name, [...fields], 'a field') ?? `it asks for: ${[...fields].join(', ')}` }));
  }
  const out = new Map<PauseInfo, Record<string, unknown>>();
  for (const pause of pauses) {
    const values: Record<string, unknown> = {};
    for (const [field, raw] of Object.entries(pause.schema)) {
      const spec = raw as ValueSpec;
      const given = field in cli ? { value: cli[field], from: 'cli' as const } : field in file ? { value: file[field], from: 'data' as const } : undefined;
      if (!given) {
        if (spec.default !== undefined) values[field] = spec.default;
        else errors.push(new WfError('E_USAGE', `input '${field}' (${spec.type}) is required by '${pause.prompt}'`, { hint: `wf resume RUN -i ${field}=<${spec.type}>` }));
        continue;
      }
      const c = coerceValue(spec, given.value, given.from);
      if (c.ok) values[field] = c.value;
      else errors.push(new WfError('E_TYPE', `input '${field}': ${JSON.stringify(given.value)} is not a ${spec.type}: ${c.reason}`, { hint: spec.options ? `one of: ${spec.options.join(', ')}` : undefined }));
    }
    out.set(pause, values);
  }
  if (errors.length > 0) throw new WfErrors(errors);
  return out;
}

/**
 * Continues a paused run from its `input:` stage with validated values, in this process (days
 * later if need be). A second resume of the same pause is refused.
 * @example await resumeRun({ ...resolveLocations(), run: 'last', inputs: { approved: 'true' } })
 */
export async function resumeRun(o: ResumeRunOptions): Promise<RunOutcome> {
  const clock = o.clock ?? systemClock;
  return withRunResources(o.state, o, async (store, pool) => {
    const old = findRun(store, o.run);
    if (old.status !== 'paused') {
      throw new WfError('E_STATE', `run ${old.id} is ${old.status}, not paused: nothing waits for input`, {
        hint: old.status === 'running' || old.status === 'success' ? 'it was resumed already' : `see 'wf logs ${old.id}'`,
      });
    }
    const pauses = pausesOf(old);
    const values = validateInputs(pauses, o.inputs, o.inputFile);
    const { pipeline } = await loadPipeline(o, old.pipeline);
    const hashes = hashPipeline(pipeline);
    if (old.modelHash && old.modelHash !== hashes.modelHash && !o.force) {
      throw new WfError('E_CHANGED', `pipeline '${pipeline.name}' changed since run ${old.id} paused: ${describeChanges(old.jobHashes ?? {}, hashes.jobHashes)}`, {
        hint: 'resume with --force to continue with the new definition',
      });
    }
    const params = retryParams(pipeline, old);
    const seed = seedFrom(pipeline, store.getJobs(old.id), store.getStages(old.id), store.getAttempts(old.id), undefined, 'resume');
    seed.inputs = new Map();
    for (const [pause, v] of values) seed.inputs.set(pause.jobKey, { ...seed.inputs.get(pause.jobKey), [pause.path]: v });
    const now = new Date(clock.now()).toISOString();
    const context = { ...old.context };
    delete context.pauses;
    const patch: Partial<RunRecord> = { status: 'running', endedAt: null, error: null, pid: process.pid, owner: currentOwner(), heartbeatAt: now, cancelRequestedAt: null, context };
    if (!store.transitionRun(old.id, ['paused'], patch)) {
      throw new WfError('E_STATE', `run ${old.id} was resumed by another process`, { hint: `see 'wf runs'` });
    }
    const run: RunRecord = { ...old, ...patch };
    const prepared: PreparedRun = { locations: { conf: o.conf, registry: o.registry, state: o.state }, pipeline, params, release: old.release, ...hashes };
    return execute(prepared, run, store, pool, { ...o, trigger: old.trigger, context }, seed);
  });
}
