import { didYouMean, WfError } from '../errors/index.js';
import { CONTEXT_NAMES, type CompareOp, type ContextName, type ExprNode } from './ast.js';
import { FILTERS, FILTER_NAMES } from './filters.js';
import { FUNCTIONS, FUNCTION_NAMES } from './functions.js';
import type { Token } from './lexer.js';
import { badStrftimeToken, STRFTIME_TOKENS } from './strftime.js';

// Deep enough for any real expression, shallow enough that recursion never overflows the stack.
const MAX_DEPTH = 100;
const FUNCTION_BY_LOWER = new Map(FUNCTION_NAMES.map((name) => [name.toLowerCase(), name]));

/**
 * Recursive-descent parser. Precedence, loosest first (GitHub Actions' order, plus filters):
 * `||`, `&&`, `== !=`, `< <= > >=`, `!`, then postfix `.name` `[expr]` `| filter(args)`.
 * A filter binds tighter than any operator (as in Jinja): `a | upper == 'X'` is `(a | upper) == 'X'`.
 */
export function parse(tokens: Token[], source: string): ExprNode {
  let i = 0;
  let depth = 0;
  const peek = (): Token => tokens[i]!;
  const fail = (message: string, token: Token = peek(), hint?: string): never => {
    throw new WfError('E_EXPR', `${message} at column ${token.pos + 1} of ${source}`, { hint });
  };
  const describe = (t: Token): string =>
    t.type === 'eof' ? 'end of expression' : t.type === 'string' ? `string '${t.text}'` : `'${t.text}'`;
  const isPunct = (text: string): boolean => peek().type === 'punct' && peek().text === text;
  const expect = (text: string, what: string): void => {
    if (!isPunct(text)) fail(`expected '${text}' ${what}, found ${describe(peek())}`);
    i++;
  };
  const nest = <T>(fn: () => T): T => {
    if (++depth > MAX_DEPTH) fail('expression nested too deeply');
    const result = fn();
    depth--;
    return result;
  };

  const binary = (ops: readonly string[], next: () => ExprNode, build: (op: string, l: ExprNode, r: ExprNode) => ExprNode) =>
    (): ExprNode => {
      let left = next();
      while (peek().type === 'punct' && ops.includes(peek().text)) {
        const op = tokens[i++]!;
        if (peek().type === 'eof' || (peek().type === 'punct' && !['!', '('].includes(peek().text))) {
          fail(`missing operand after '${op.text}'`);
        }
        left = build(op.text, left, next());
      }
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
  const and = binary(['&&'], equality, logical);
  const or = binary(['||'], and, logical);
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
    for (;;) {
      if (isPunct('.')) {
        i++;
        const name = peek();
        if (name.type !== 'ident') {
          fail(`expected a property name after '.', found ${describe(name)}`, name, name.type === 'number' ? `write [${name.text}] for an index` : undefined);
        }
        i++;
        node = { kind: 'member', object: node, property: { kind: 'literal', value: name.text } };
      } else if (isPunct('[')) {
        i++;
        const property = expression();
        expect(']', 'to close the index');
        node = { kind: 'member', object: node, property };
      } else if (isPunct('|')) {
        i++;
        node = filter(node);
      } else {
        return node;
      }
    }
  };

  const primary = (): ExprNode => {
    const t = peek();
    if (t.type === 'number') {
      i++;
      return { kind: 'literal', value: t.value! };
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
    if (!(CONTEXT_NAMES as readonly string[]).includes(t.text)) {
      const fn = FUNCTION_BY_LOWER.get(t.text.toLowerCase());
      const hint = fn ? `${fn} is a function: write ${fn}(…)` : didYouMean(t.text, CONTEXT_NAMES, 'a context');
      fail(`unknown context '${t.text}'`, t, hint);
    }
    return { kind: 'context', name: (t.text === 'needs' ? 'jobs' : t.text) as ContextName };
  };

  const call = (t: Token): ExprNode => {
    // Function names are case-insensitive, as in GitHub Actions (toJson works like toJSON).
    const name = FUNCTION_BY_LOWER.get(t.text.toLowerCase());
    if (name === undefined) return fail(`unknown function '${t.text}'`, t, didYouMean(t.text, FUNCTION_NAMES, 'a function'));
    const list = args();
    const spec = FUNCTIONS[name]!;
    checkArity('function', name, list.length, spec.min, spec.max, t);
    return { kind: 'call', name, args: list };
  };

  if (peek().type === 'eof') fail('empty expression');
  const root = expression();
  if (peek().type !== 'eof') fail(`unexpected ${describe(peek())} after the expression`);
  return root;
}
