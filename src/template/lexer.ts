import { WfError } from '../errors/index.js';

export type TokenType = 'ident' | 'number' | 'string' | 'punct' | 'eof';

export interface Token {
  type: TokenType;
  /** Identifier name, punctuation text, or the string's unescaped value. */
  text: string;
  value?: number;
  /** Offset inside the source (the whole `${{ … }}`). */
  pos: number;
}

// A hyphen belongs to a name when it joins two name characters with no space: `params.run-date`.
const IDENT = /[A-Za-z_][A-Za-z0-9_]*(?:-+[A-Za-z0-9_]+)*/y;
const NUMBER = /\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const PUNCT = ['==', '!=', '<=', '>=', '&&', '||', '<', '>', '!', '(', ')', '[', ']', '.', ',', '|'];
const ARITHMETIC = '+-*/%';
// Tokens after which a `-` would be a binary minus rather than the sign of a number.
const OPERAND_END = new Set(['ident', 'number', 'string']);

/**
 * Splits an expression body into tokens. `source` (the whole `${{ … }}`) and `offset` (where the
 * body starts in it) only serve error messages; token positions are offsets in `source`.
 */
export function tokenize(body: string, source: string, offset = 0): Token[] {
  const tokens: Token[] = [];
  const fail = (message: string, pos: number, hint?: string): never => {
    throw new WfError('E_EXPR', `${message} at column ${offset + pos + 1} of ${source}`, { hint });
  };
  let i = 0;
  while (i < body.length) {
    const c = body[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const prev = tokens[tokens.length - 1];
    const afterOperand = prev !== undefined && (OPERAND_END.has(prev.type) || prev.text === ')' || prev.text === ']');
    if (c === "'") {
      i = readString(body, i, tokens, fail);
      continue;
    }
    if (c === '-' && !afterOperand && /\d/.test(body[i + 1] ?? '')) {
      i = readNumber(body, i + 1, -1, tokens, fail);
      continue;
    }
    if (/\d/.test(c)) {
      i = readNumber(body, i, 1, tokens, fail);
      continue;
    }
    IDENT.lastIndex = i;
    const ident = IDENT.exec(body);
    if (ident) {
      tokens.push({ type: 'ident', text: ident[0], pos: i });
      i += ident[0].length;
      continue;
    }
    if (ARITHMETIC.includes(c)) {
      fail(`'${c}': expressions have no arithmetic operators`, i, 'compare values or use a filter such as add_days(n)');
    }
    const punct = PUNCT.find((p) => body.startsWith(p, i));
    if (punct) {
      tokens.push({ type: 'punct', text: punct, pos: i });
      i += punct.length;
      continue;
    }
    if (c === '"') fail('unexpected \'"\'', i, "strings use single quotes: 'text' (write '' for a quote inside)");
    if (c === '=') fail("unexpected '='", i, "compare with '=='");
    if (c === '&') fail("unexpected '&'", i, "logical and is '&&'");
    fail(`unexpected character '${c}'`, i);
  }
  tokens.push({ type: 'eof', text: '', pos: body.length });
  for (const t of tokens) t.pos += offset;
  return tokens;
}

type Fail = (message: string, pos: number, hint?: string) => never;

function readString(body: string, start: number, tokens: Token[], fail: Fail): number {
  let value = '';
  let i = start + 1;
  for (;;) {
    const end = body.indexOf("'", i);
    if (end < 0) return fail('unterminated string', start, "close the string with ' (write '' for a quote inside)");
    value += body.slice(i, end);
    if (body[end + 1] === "'") {
      value += "'";
      i = end + 2;
      continue;
    }
    tokens.push({ type: 'string', text: value, pos: start });
    return end + 1;
  }
}

function readNumber(body: string, at: number, sign: 1 | -1, tokens: Token[], fail: Fail): number {
  const start = sign < 0 ? at - 1 : at;
  NUMBER.lastIndex = at;
  const match = NUMBER.exec(body)!;
  const end = at + match[0].length;
  if (/[A-Za-z_.]/.test(body[end] ?? '')) fail(`bad number '${body.slice(start, end + 1)}'`, start);
  const value = sign * Number(match[0]);
  if (!Number.isFinite(value)) fail(`number out of range '${body.slice(start, end)}'`, start);
  tokens.push({ type: 'number', text: body.slice(start, end), value, pos: start });
  return end;
}
