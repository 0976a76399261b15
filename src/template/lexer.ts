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
// GitHub Actions' number forms (what JavaScript's Number() reads): 1, 1.5, .5, 1e3, 0x1F, 0o17, 0b101.
const NUMBER = /(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|Infinity)/y;
const PUNCT = ['==', '!=', '<=', '>=', '&&', '||', '<', '>', '!', '(', ')', '[', ']', '.', ',', '|', '*'];
const ARITHMETIC = '+-*/%';
/** GitHub's limit on the length of one expression; it also bounds how deep evaluation recurses. */
export const MAX_EXPRESSION_LENGTH = 21_000;
// Tokens after which a `-` would be a binary minus rather than the sign of a number.
const OPERAND_END = new Set(['ident', 'number', 'string']);

/**
 * Splits an expression body into tokens. `source` (the whole `${{ … }}`) and `offset` (where the
 * body starts in it) only serve error messages; token positions are offsets in `source`.
 */
export function tokenize(body: string, source: string, offset = 0): Token[] {
  const tokens: Token[] = [];
  const fail = (message: string, pos: number, hint?: string): never => {
    throw new WfError('E_EXPR', `${message} at column ${offset + pos + 1} of ${excerpt(source, offset + pos)}`, { hint });
  };
  if (body.length > MAX_EXPRESSION_LENGTH) fail(`expression longer than ${MAX_EXPRESSION_LENGTH} characters`, 0, 'split it, or compute the value in a stage and read its output');
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
    // A sign starts a number (GitHub: -1, +1, -.5, -Infinity) where no operand ends before it.
    if ((c === '-' || c === '+') && !afterOperand && /^(?:\d|\.\d|Infinity)/.test(body.slice(i + 1, i + 9))) {
      i = readNumber(body, i, i + 1, tokens, fail);
      continue;
    }
    if (/\d/.test(c) || (c === '.' && !afterOperand && /\d/.test(body[i + 1] ?? ''))) {
      i = readNumber(body, i, i, tokens, fail);
      continue;
    }
    IDENT.lastIndex = i;
    const ident = IDENT.exec(body);
    if (ident) {
      // NaN and Infinity are number literals, except as a property name (a.NaN).
      if ((ident[0] === 'NaN' || ident[0] === 'Infinity') && prev?.text !== '.') {
        tokens.push({ type: 'number', text: ident[0], value: Number(ident[0]), pos: i });
      } else tokens.push({ type: 'ident', text: ident[0], pos: i });
      i += ident[0].length;
      continue;
    }
    // `*` selects every element: a.*, a[*] (GitHub's object filter); anywhere else it is arithmetic.
    if (c === '*' && (prev?.text === '.' || prev?.text === '[')) {
      tokens.push({ type: 'punct', text: '*', pos: i });
      i++;
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

/** A number from `at`; `from` is where its sign (if any) stands. NaN or Infinity from data are fine; a typo is not. */
function readNumber(body: string, from: number, at: number, tokens: Token[], fail: Fail): number {
  NUMBER.lastIndex = at;
  const match = NUMBER.exec(body)!;
  const end = at + match[0].length;
  const text = body.slice(from, end);
  // JavaScript's Number() decides, sign included, as in GitHub: -0x1F is not a number.
  const value = Number(text);
  if (/[A-Za-z0-9_.]/.test(body[end] ?? '') || Number.isNaN(value)) fail(`bad number '${body.slice(from, end + 1).trim()}'`, from);
  tokens.push({ type: 'number', text, value, pos: from });
  return end;
}

/** The expression for a message: whole when short, else the part around `pos` (a message stays one readable line). */
export function excerpt(source: string, pos: number): string {
  if (source.length <= 120) return source;
  const from = Math.max(0, pos - 50);
  return `${from > 0 ? '…' : ''}${source.slice(from, pos + 50)}${pos + 50 < source.length ? '…' : ''}`;
}
