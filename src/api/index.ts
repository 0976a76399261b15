/** The library surface: everything the CLI does, callable from a program. */
export { resolveLocations, type Locations, type RawLocations } from './options.js';
export { runPipeline, loadPipeline, type RunPipelineOptions, type RunOutcome } from './run.js';
export { resolveParams, parseParamPairs, type ParamSources, type ResolvedParams } from './params.js';
export { validate, type ValidateResult } from './validate.js';
export { listPipelines, listProject, nextRelease, type PipelineSummary } from './list.js';
export { renderGraph, type GraphFormat } from './graph.js';
export { dryRun, formatDryRun, type DryRun } from './dry-run.js';
export { evaluateExpression, type EvaluateOptions } from './expressions.js';
export { runDetails, listRunDetails, runLogs, type RunDetails, type RunLogs } from './history.js';
export { loadProject, inspectProject, type Project } from '../loader/index.js';
export { WfError, WfErrors, formatError, type ErrorCode, type SourceLoc } from '../errors/index.js';
export type { RunEvent } from '../executor/run-events.js';
