import { WfError } from '../errors/index.js';
import type { CompiledTemplate, ExprNode } from './ast.js';
import { tokenize } from './lexer.js';
import { parse } from './parser.js';
import { hasTemplate, splitTemplate } from './split.js';

/** Parses one expression body (what is inside `${{ }}` or `$< >`); `raw` names it in errors. */
export function compileExpression(body: string, raw = body): ExprNode {
  // Columns in messages count from the start of `raw`, opener included.
  const offset = raw.startsWith('${{') ? 3 : raw.startsWith('$<') ? 2 : 0;
  return parse(tokenize(body, raw, offset), raw);
}

/**
 * Compiles text into literal parts and expression ASTs; throws WfError('E_EXPR') on any
 * syntax or name error. Example: `compileTemplate('n=${{ params.n }}').parts` → `['n=', {kind:'member',…}]`.
 */
export function compileTemplate(text: string): CompiledTemplate {
  try {
    const parts = splitTemplate(text).map((s) => (s.kind === 'text' ? s.text : compileExpression(s.body, s.raw)));
    return { source: text, parts, whole: parts.length === 1 && typeof parts[0] !== 'string' };
  } catch (error) {
    if (error instanceof WfError) throw error;
    throw new WfError('E_EXPR', `cannot compile ${JSON.stringify(text.slice(0, 60))}: ${String(error)}`, { cause: error });
  }
}

/**
 * Compiles an `if:`/`until:` condition, which may also be written without delimiters as in
 * GitHub Actions: `params.mode == 'full'` is the same as `${{ params.mode == 'full' }}`.
 */
export function compileCondition(text: string): CompiledTemplate {
  if (hasTemplate(text)) return compileTemplate(text);
  return { source: text, parts: [compileExpression(text, text)], whole: true };
}

const CACHE_LIMIT = 10_000;
const cache = new Map<string, CompiledTemplate>();

/** compileTemplate memoised by text (bounded: the cache is dropped when it grows past 10k entries). */
export function compileCached(text: string): CompiledTemplate {
  let compiled = cache.get(text);
  if (compiled === undefined) {
    compiled = compileTemplate(text);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(text, compiled);
  }
  return compiled;
}
