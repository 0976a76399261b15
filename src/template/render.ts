import { WfError } from '../errors/index.js';
import type { CompiledTemplate, ExprContext, ExprNode, RenderOptions } from './ast.js';
import { compileCached } from './compile.js';
import { evaluate } from './evaluator.js';
import { hasTemplate, splitTemplate } from './split.js';
import { isPlainObject, toText } from './values.js';

/** Evaluates the `n`-th expression part, turning any failure into a WfError naming the expression. */
export function evaluatePart(t: CompiledTemplate, n: number, node: ExprNode, ctx: ExprContext, opts: RenderOptions): unknown {
  try {
    const value = evaluate(node, ctx, opts);
    return value === undefined ? null : value;
  } catch (error) {
    const raw = splitTemplate(t.source).filter((s) => s.kind === 'expr')[n]?.raw ?? t.source;
    const where = raw.length > 80 ? `${raw.slice(0, 77)}…` : raw;
    if (error instanceof WfError) {
      throw new WfError(error.code, `${error.message} (in ${where})`, { hint: error.hint, cause: error });
    }
    // A RangeError from a pathological value, or anything else a bug could raise: still a WfError.
    throw new WfError('E_EXPR_EVAL', `${String(error)} (in ${where})`, { cause: error });
  }
}

/**
 * Renders a compiled template: a whole-expression template returns the typed value
 * (`${{ params.tables }}` → an array), mixed text returns a string.
 */
export function render(t: CompiledTemplate, ctx: ExprContext, opts: RenderOptions = {}): unknown {
  if (t.whole) return evaluatePart(t, 0, t.parts[0] as ExprNode, ctx, opts);
  let out = '';
  let n = 0;
  for (const part of t.parts) {
    if (typeof part === 'string') out += part;
    else out += text(evaluatePart(t, n++, part, ctx, opts));
  }
  return out;
}

function text(value: unknown): string {
  try {
    return toText(value);
  } catch (error) {
    if (error instanceof WfError) throw error;
    throw new WfError('E_EXPR_EVAL', `cannot convert the value to text: ${String(error)}`, { cause: error });
  }
}

/** Renders one string (compiled once and cached); text without an expression is returned as-is. */
export function renderString(text: string, ctx: ExprContext, opts: RenderOptions = {}): unknown {
  if (!hasTemplate(text)) return text;
  return render(compileCached(text), ctx, opts);
}

/** Renders every string inside arrays and plain objects, keeping other values and all keys as they are. */
export function renderDeep(value: unknown, ctx: ExprContext, opts: RenderOptions = {}): unknown {
  if (typeof value === 'string') return renderString(value, ctx, opts);
  if (Array.isArray(value)) return value.map((v) => renderDeep(v, ctx, opts));
  if (isPlainObject(value)) {
    // fromEntries defines properties, so a key named __proto__ stays a plain key.
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderDeep(v, ctx, opts)]));
  }
  return value;
}
