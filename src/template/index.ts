/** The expression engine: `${{ expr }}` and `$<expr>` (SPEC §3). Our own grammar, never eval. */
export {
  CONTEXT_NAMES,
  type CompareOp,
  type CompiledTemplate,
  type ContextName,
  type ExprContext,
  type ExprNode,
  type LiteralValue,
  type LogicalOp,
  type RenderOptions,
} from './ast.js';
export { compileCached, compileCondition, compileExpression, compileTemplate } from './compile.js';
export { FILTER_NAMES } from './filters.js';
export { FUNCTION_NAMES } from './functions.js';
export { collectRefs, type ExprRef } from './refs.js';
export { render, renderDeep, renderString } from './render.js';
export { renderShell, scriptGuards, type Guard, type GuardKind, type ShellOptions } from './shell.js';
export { renderScript, scriptPlaces, scriptStringError, type ScriptLang } from './script-lang.js';
export { hasTemplate } from './split.js';
export { STRFTIME_TOKENS } from './strftime.js';
export { toText, truthy } from './values.js';
