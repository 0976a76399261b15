import { evaluate } from '../template/evaluator.js';
import { tokenize } from '../template/lexer.js';
import { parse } from '../template/parser.js';

export interface EvaluateOptions {
  /** What success() / failure() / cancelled() see; default 'success'. */
  status?: 'success' | 'failure' | 'cancelled';
}

/**
 * Evaluates one expression (the text inside `${{ }}`) with wf's grammar and semantics, reading the
 * contexts you give: any names, looked up case-insensitively as in GitHub Actions. Throws a WfError
 * (E_EXPR for syntax, E_EXPR_EVAL for evaluation). For hook authors and tests.
 * @example evaluateExpression("format('{0}-{1}', a.b, case(n > 2, 'big', 'small'))", { a: { b: 'x' }, n: 3 }) // → 'x-big'
 */
export function evaluateExpression(expression: string, contexts: Record<string, unknown> = {}, opts: EvaluateOptions = {}): unknown {
  const node = parse(tokenize(expression, expression), expression, { contexts: Object.keys(contexts) });
  return evaluate(node, contexts, opts);
}
