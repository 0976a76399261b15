import { WfError } from '../errors/index.js';
import type { ExprContext, ExprNode, RenderOptions } from './ast.js';
import { FILTERS } from './filters.js';
import { FUNCTIONS } from './functions.js';
import { compareValues, getMember, looseEquals, truthy } from './values.js';

/** Evaluates one expression; missing data reads as null. Throws WfError('E_EXPR_EVAL') on failure. */
export function evaluate(node: ExprNode, ctx: ExprContext, opts: RenderOptions): unknown {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'context': {
      // Context names are a closed list checked at compile time, so a direct own read is safe.
      const value = Object.hasOwn(ctx, node.name) ? ctx[node.name] : null;
      return value === undefined ? null : value;
    }
    case 'member':
      return getMember(evaluate(node.object, ctx, opts), evaluate(node.property, ctx, opts));
    case 'not':
      return !truthy(evaluate(node.operand, ctx, opts));
    case 'compare': {
      const left = evaluate(node.left, ctx, opts);
      const right = evaluate(node.right, ctx, opts);
      if (node.op === '==') return looseEquals(left, right);
      if (node.op === '!=') return !looseEquals(left, right);
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

// Only reachable with a hand-built AST: compiled ones are checked by the parser.
function unknown(what: string, name: string): WfError {
  return new WfError('E_EXPR_EVAL', `unknown ${what} '${name}'`);
}
