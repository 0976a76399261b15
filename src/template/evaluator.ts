import { WfError } from '../errors/index.js';
import type { ExprContext, ExprNode, RenderOptions } from './ast.js';
import { FILTERS } from './filters.js';
import { FUNCTIONS } from './functions.js';
import { compareValues, getMember, looseEquals, STAR, truthy } from './values.js';

/** Evaluates one expression; missing data reads as null. Throws WfError('E_EXPR_EVAL') on failure. */
export function evaluate(node: ExprNode, ctx: ExprContext, opts: RenderOptions): unknown {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'number':
      return Number(node.text);
    case 'context': {
      // Context names are checked at compile time (wf's list, or the caller's), so an own read is safe.
      const value = Object.hasOwn(ctx, node.name) ? (ctx as Record<string, unknown>)[node.name] : null;
      return value === undefined ? null : value;
    }
    case 'member':
      return getMember(evaluate(node.object, ctx, opts), node.property.kind === 'star' ? STAR : evaluate(node.property, ctx, opts));
    case 'star':
      return STAR;
    case 'not':
      return !truthy(evaluate(node.operand, ctx, opts));
    case 'compare': {
      const left = evaluate(node.left, ctx, opts);
      const right = evaluate(node.right, ctx, opts);
      if (node.op === '==' || node.op === '!=') {
        const equal = looseEquals(left, right);
        if (!equal && opts.notes && typeof left === 'string' && typeof right === 'string' && left.toLowerCase() === right.toLowerCase()) note(opts.notes);
        return node.op === '==' ? equal : !equal;
      }
      return compareValues(node.op, left, right);
    }
    case 'logical': {
      // GitHub Actions semantics: the deciding operand itself is the result, not a boolean.
      const left = evaluate(node.left, ctx, opts);
      if (node.op === '&&') return truthy(left) ? evaluate(node.right, ctx, opts) : left;
      return truthy(left) ? left : evaluate(node.right, ctx, opts);
    }
    case 'call':
      if (!Object.hasOwn(FUNCTIONS, node.name)) throw unknown('function', node.name);
      return FUNCTIONS[node.name]!.call(node.args.map((a) => evaluate(a, ctx, opts)), opts);
    case 'filter':
      if (!Object.hasOwn(FILTERS, node.name)) throw unknown('filter', node.name);
      return FILTERS[node.name]!.apply(evaluate(node.input, ctx, opts), node.args.map((a) => evaluate(a, ctx, opts)));
    default:
      throw new WfError('E_EXPR_EVAL', `bad expression node ${JSON.stringify((node as { kind?: unknown }).kind)}`);
  }
}

/** Said once per evaluation: the values are not quoted (either may be a secret). */
export const CASE_NOTE = "a comparison of two texts that differ only in upper/lower case was false: wf compares text case-sensitively (GitHub Actions does not); compare lower-cased values with `| lower` (docs/expressions.md)";

function note(notes: string[]): void {
  if (!notes.includes(CASE_NOTE)) notes.push(CASE_NOTE);
}

// Only reachable with a hand-built AST: compiled ones are checked by the parser.
function unknown(what: string, name: string): WfError {
  return new WfError('E_EXPR_EVAL', `unknown ${what} '${name}'`);
}
