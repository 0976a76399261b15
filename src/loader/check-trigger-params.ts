import { didYouMean, WfError } from '../errors/index.js';
import type { Pipeline, TriggerStage } from '../model/types.js';
import { coerceValue } from '../model/value-types.js';
import { pipelineStages } from '../model/walk-stages.js';
import { hasTemplate } from '../template/index.js';

/**
 * The `params:` of a `trigger:` stage checked against the params its (literal) child declares:
 * unknown names, required ones left out and literal values that do not fit, each at its place.
 * Without this they surface only when the run reaches the stage.
 */
export function checkTriggerParams(pipeline: Pipeline, pipelines: ReadonlyMap<string, Pipeline>): WfError[] {
  const errors: WfError[] = [];
  for (const stage of pipelineStages(pipeline)) {
    if (stage.kind !== 'trigger' || hasTemplate(stage.trigger)) continue;
    const child = pipelines.get(stage.trigger);
    if (child) errors.push(...checkOne(stage, child));
  }
  return errors;
}

function checkOne(stage: TriggerStage, child: Pipeline): WfError[] {
  const errors: WfError[] = [];
  const declared = Object.keys(child.params);
  for (const [name, value] of Object.entries(stage.params)) {
    const loc = stage.paramLocs?.[name] ?? stage.loc;
    const spec = child.params[name];
    if (!spec) {
      errors.push(new WfError('E_PARAM_UNKNOWN', `trigger: pipeline '${child.name}' has no param '${name}'`, { loc, hint: didYouMean(name, declared, 'a declared param') ?? `'${child.name}' declares no params` }));
      continue;
    }
    if (JSON.stringify(value)?.includes('${{') || JSON.stringify(value)?.includes('$<')) continue; // rendered at run time
    const coerced = coerceValue(spec, value, 'data');
    if (!coerced.ok) {
      errors.push(new WfError('E_PARAM_TYPE', `trigger: param '${name}' of '${child.name}' is ${spec.type}, but ${spec.type === 'secret' ? '***' : JSON.stringify(value)} does not fit: ${coerced.reason}`, { loc, hint: spec.type === 'choice' ? `one of: ${(spec.options ?? []).join(', ')}` : `give a value of type ${spec.type}` }));
    }
  }
  for (const [name, spec] of Object.entries(child.params)) {
    if (spec.required && !Object.hasOwn(stage.params, name)) {
      errors.push(new WfError('E_PARAM_MISSING', `trigger: pipeline '${child.name}' needs param '${name}' (${spec.type})`, { loc: stage.loc, hint: `add it under params: of this stage (${name}: …)` }));
    }
  }
  return errors;
}
