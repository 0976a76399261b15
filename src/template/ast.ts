/**
 * The expression AST. Nodes are plain JSON-serialisable objects (no classes, no functions)
 * because compiled templates travel to worker threads by structured clone.
 */

/** Context names a template may start from. `needs` is an alias of `jobs`. */
export const CONTEXT_NAMES = [
  'params', 'matrix', 'stages', 'jobs', 'needs', 'env', 'run', 'item', 'index', 'branch', 'input',
] as const;

/** A context as stored in the AST: the alias `needs` is normalised to `jobs`. */
export type ContextName = Exclude<(typeof CONTEXT_NAMES)[number], 'needs'>;

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';
export type LogicalOp = '&&' | '||';
export type LiteralValue = string | number | boolean | null;

export type ExprNode =
  | { kind: 'literal'; value: LiteralValue }
  /** NaN, Infinity, -Infinity: kept as text, since the compiled-model cache is JSON. */
  | { kind: 'number'; text: 'NaN' | 'Infinity' | '-Infinity' }
  /** A wf context (`ContextName`), or any name given to `evaluateExpression`. */
  | { kind: 'context'; name: string }
  /** `a.b` has a literal string property; `a[expr]` any expression; `a.*` / `a[*]` every element. */
  | { kind: 'member'; object: ExprNode; property: ExprNode }
  | { kind: 'star' }
  | { kind: 'not'; operand: ExprNode }
  | { kind: 'compare'; op: CompareOp; left: ExprNode; right: ExprNode }
  | { kind: 'logical'; op: LogicalOp; left: ExprNode; right: ExprNode }
  | { kind: 'call'; name: string; args: ExprNode[] }
  | { kind: 'filter'; name: string; input: ExprNode; args: ExprNode[] };

/** A template split into literal text and expressions; `whole` = exactly one expression, nothing else. */
export interface CompiledTemplate {
  source: string;
  parts: Array<string | ExprNode>;
  whole: boolean;
}

/** The data an expression can read. Every field is optional; a missing one reads as null. */
export interface ExprContext {
  params?: Record<string, unknown>;
  matrix?: Record<string, unknown>;
  stages?: Record<string, { outputs?: Record<string, unknown> }>;
  jobs?: Record<string, { outputs?: Record<string, unknown> }>;
  env?: Record<string, unknown>;
  run?: Record<string, unknown>;
  item?: unknown;
  index?: unknown;
  branch?: unknown;
  input?: Record<string, unknown>;
}

/** The job status seen by success() / failure() / cancelled(); default 'success'. */
export interface RenderOptions {
  status?: 'success' | 'failure' | 'cancelled';
  /** Collects why a result may surprise (a text comparison that differed only in case), for the stage log. */
  notes?: string[];
}
