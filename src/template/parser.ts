import { didYouMean, WfError } from '../errors/index.js';
import { CONTEXT_NAMES, type CompareOp, type ExprNode } from './ast.js';
import { FILTERS, FILTER_NAMES } from './filters.js';
import { FUNCTIONS, FUNCTION_NAMES } from './functions.js';
import { excerpt, type Token } from './lexer.js';
import { badStrftimeToken, STRFTIME_TOKENS } from './strftime.js';

// GitHub Actions' limit, counted as it counts: each nested expression (parentheses, function
// arguments, an index), each chain of || or &&, each !, and each link of a.b[c].d | f.
export const MAX_DEPTH = 50;
const FUNCTION_BY_LOWER = new Map(FUNCTION_NAMES.map((name) => [name.toLowerCase(), name]));

/**
 * Recursive-descent parser. Precedence, loosest first (GitHub Actions' order, plus filters):
 * `||`, `&&`, `== !=`, `< <= > >=`, `!`, then postfix `.name` `[expr]` `| filter(args)`.
 * A filter binds tighter than any operator (as in Jinja): `a | upper == 'X'` is `(a | upper) == 'X'`.
 */
export interface ParseOptions {
  /** The context names an expression may read (case-insensitive, as in GitHub); default: wf's contexts. */
  contexts?: readonly string[];
}

export function parse(tokens: Token[], source: string, opts: ParseOptions = {}): ExprNode {
  let i = 0;
  let depth = 0;
  const open = opts.contexts ? new Map(opts.contexts.map((c) => [c.toLowerCase(), c])) : undefined;
  const peek = (): Token => tokens[i]!;
  const fail = (message: string, token: Token = peek(), hint?: string): never => {
    throw new WfError('E_EXPR', `${message} at column ${token.pos + 1} of ${excerpt(source, token.pos)}`, { hint });
  };
  const describe = (t: Token): string =>
    t.type === 'eof' ? 'end of expression' : t.type === 'string' ? `string '${t.text}'` : `'${t.text}'`;
  const isPunct = (text: string): boolean => peek().type === 'punct' && peek().text === text;
  const expect = (text: string, what: string): void => {
    if (!isPunct(text)) fail(`expected '${text}' ${what}, found ${describe(peek())}`);
    i++;
  };
  const deeper = (): void => {
    if (++depth > MAX_DEPTH) fail(`expression nested deeper than ${MAX_DEPTH} levels`, peek(), 'split it: compute a part in an earlier stage and read its output');
  };
  const nest = <T>(fn: () => T): T => {
    deeper();
    const result = fn();
    depth--;
    return result;
  };

  /** `chain`: a run of these operators counts one level of depth (GitHub's || and &&). */
  const binary = (ops: readonly string[], next: () => ExprNode, build: (op: string, l: ExprNode, r: ExprNode) => ExprNode, chain = false) =>
    (): ExprNode => {
      let left = next();
      const start = depth;
      while (peek().type === 'punct' && ops.includes(peek().text)) {
        const op = tokens[i++]!;
        if (chain && depth === start) deeper();
        if (peek().type === 'eof' || (peek().type === 'punct' && !['!', '('].includes(peek().text))) {
          fail(`missing operand after '${op.text}'`);
        }
        left = build(op.text, left, next());
      }
      depth = start;
      return left;
    };
  const logical = (op: string, l: ExprNode, r: ExprNode): ExprNode => ({ kind: 'logical', op: op as '&&' | '||', left: l, right: r });
  const compare = (op: string, l: ExprNode, r: ExprNode): ExprNode => ({ kind: 'compare', op: op as CompareOp, left: l, right: r });

  const unary = (): ExprNode => {
    if (isPunct('!')) {
      i++;
      return nest(() => ({ kind: 'not', operand: unary() }));
    }
    return postfix();
  };
  const relational = binary(['<', '<=', '>', '>='], unary, compare);
  const equality = binary(['==', '!='], relational, compare);
  const and = binary(['&&'], equality, logical, true);
  const or = binary(['||'], and, logical, true);
  const expression = (): ExprNode => nest(or);

  const args = (): ExprNode[] => {
    const list: ExprNode[] = [];
    expect('(', 'to start the arguments');
    if (isPunct(')')) {
      i++;
      return list;
    }
    for (;;) {
      list.push(expression());
      if (isPunct(',')) {
        i++;
        continue;
      }
      expect(')', 'to close the arguments');
      return list;
    }
  };
  const checkArity = (what: string, name: string, count: number, min: number, max: number, at: Token): void => {
    if (count >= min && count <= max) return;
    const want = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    fail(`${what} '${name}' takes ${want} argument${want === '1' ? '' : 's'}, got ${count}`, at);
  };

  const filter = (input: ExprNode): ExprNode => {
    const name = peek();
    if (name.type !== 'ident') return fail(`expected a filter name after '|', found ${describe(name)}`);
    if (!Object.hasOwn(FILTERS, name.text)) {
      fail(`unknown filter '${name.text}'`, name, didYouMean(name.text, FILTER_NAMES, 'a filter'));
    }
    i++;
    const list = isPunct('(') ? args() : [];
    const spec = FILTERS[name.text]!;
    checkArity('filter', name.text, list.length, spec.min, spec.max, name);
    const pattern = list[0];
    if (name.text === 'fmt' && pattern?.kind === 'literal' && typeof pattern.value === 'string') {
      const bad = badStrftimeToken(pattern.value);
      if (bad !== undefined) fail(`fmt: unknown token '${bad}'`, name, `known tokens: ${STRFTIME_TOKENS.join(' ')}`);
    }
    return { kind: 'filter', name: name.text, input, args: list };
  };

  const postfix = (): ExprNode => {
    let node = primary();
    const start = depth;
    for (;;) {
      if (isPunct('.')) {
        deeper();
        i++;
        const name = peek();
        if (name.type === 'punct' && name.text === '*') {
          i++;
          node = { kind: 'member', object: node, property: { kind: 'star' } };
          continue;
        }
        if (name.type !== 'ident') {
          fail(`expected a property name after '.', found ${describe(name)}`, name, name.type === 'number' ? `write [${name.text}] for an index` : undefined);
        }
        i++;
        node = { kind: 'member', object: node, property: { kind: 'literal', value: name.text } };
      } else if (isPunct('[')) {
        i++;
        let property: ExprNode;
        if (isPunct('*')) {
          i++;
          property = { kind: 'star' };
        } else property = expression();
        expect(']', 'to close the index');
        deeper();
        node = { kind: 'member', object: node, property };
      } else if (isPunct('|')) {
        deeper();
        i++;
        node = filter(node);
      } else {
        depth = start;
        return node;
      }
    }
  };

  const primary = (): ExprNode => {
    const t = peek();
    if (t.type === 'number') {
      i++;
      const value = t.value!;
      if (Number.isFinite(value)) return { kind: 'literal', value };
      return { kind: 'number', text: Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity' };
    }
    if (t.type === 'string') {
      i++;
      return { kind: 'literal', value: t.text };
    }
    if (t.type === 'punct' && t.text === '(') {
      i++;
      const inner = expression();
      expect(')', 'to close the parenthesis');
      return inner;
    }
    if (t.type !== 'ident') {
      return fail(t.type === 'eof' ? 'missing operand at end of expression' : `unexpected ${describe(t)}`, t);
    }
    i++;
    if (t.text === 'true' || t.text === 'false') return { kind: 'literal', value: t.text === 'true' };
    if (t.text === 'null') return { kind: 'literal', value: null };
    if (isPunct('(')) return call(t);
    if (open) {
      const name = open.get(t.text.toLowerCase());
      if (name === undefined) fail(`unknown context '${t.text}'`, t, didYouMean(t.text, [...open.values()], 'a context'));
      return { kind: 'context', name: name! };
    }
    if (!(CONTEXT_NAMES as readonly string[]).includes(t.text)) {
      const fn = FUNCTION_BY_LOWER.get(t.text.toLowerCase());
      const hint = fn ? `${fn} is a function: write ${fn}(…)` : didYouMean(t.text, CONTEXT_NAMES, 'a context');
      fail(`unknown context '${t.text}'`, t, hint);
    }
    return { kind: 'context', name: t.text === 'needs' ? 'jobs' : t.text };
  };

  const call = (t: Token): ExprNode => {
    // Function names are case-insensitive, as in GitHub Actions (toJson works like toJSON).
    const name = FUNCTION_BY_LOWER.get(t.text.toLowerCase());
    if (name === undefined) return fail(`unknown function '${t.text}'`, t, didYouMean(t.text, FUNCTION_NAMES, 'a function'));
    const list = args();
    const spec = FUNCTIONS[name]!;
    checkArity('function', name, list.length, spec.min, spec.max, t);
    if (name === 'case' && list.length % 2 === 0) {
      fail(`function 'case' takes an odd number of arguments (pairs of condition and value, then the default), got ${list.length}`, t, "case(params.env == 'prod', 'large', 'small')");
    }
    return { kind: 'call', name, args: list };
  };

  if (peek().type === 'eof') fail('empty expression');
  const root = expression();
  if (peek().type !== 'eof') fail(`unexpected ${describe(peek())} after the expression`);
  return root;
}
