import { WfError } from '../errors/index.js';

export type Segment =
  | { kind: 'text'; text: string }
  /** `raw` is the whole occurrence (`${{ x }}`), `body` what is between the delimiters. */
  | { kind: 'expr'; raw: string; body: string; start: number };

/** Fast check: does `text` contain an expression opener (`${{` or `$<`)? */
export function hasTemplate(text: string): boolean {
  return text.includes('${{') || text.includes('$<');
}

/**
 * Splits text into literal runs and expression occurrences.
 * `${{ … }}` ends at the first `}}` outside a string literal, so `${{ '}}' }}` works.
 * `$< … >` ends at the first `>` outside a string literal and outside ( ) and [ ]:
 * in this spelling a `>` or `>=` comparison must be put in parentheses, `$<(a > b)>`.
 * There is no escape for a literal opener: write `${{ '${{' }}`.
 */
export function splitTemplate(text: string): Segment[] {
  const segments: Segment[] = [];
  let from = 0;
  for (;;) {
    const start = nextOpener(text, from);
    if (start < 0) break;
    if (start > from) segments.push({ kind: 'text', text: text.slice(from, start) });
    const curly = text.startsWith('${{', start);
    const bodyStart = start + (curly ? 3 : 2);
    const end = curly ? findCurlyEnd(text, bodyStart, start) : findAngleEnd(text, bodyStart, start);
    const closeLength = curly ? 2 : 1;
    segments.push({ kind: 'expr', raw: text.slice(start, end + closeLength), body: text.slice(bodyStart, end), start });
    from = end + closeLength;
  }
  if (from < text.length) segments.push({ kind: 'text', text: text.slice(from) });
  return segments;
}

function nextOpener(text: string, from: number): number {
  const a = text.indexOf('${{', from);
  const b = text.indexOf('$<', from);
  if (a < 0) return b;
  if (b < 0) return a;
  return Math.min(a, b);
}

function snippet(text: string, start: number): string {
  const s = text.slice(start);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

/** Index just past a string literal opened at `at` (quote doubled to escape). */
function skipString(text: string, at: number, open: number): number {
  let i = at + 1;
  for (;;) {
    const end = text.indexOf("'", i);
    if (end < 0) {
      throw new WfError('E_EXPR', `unterminated string in ${snippet(text, open)}`, {
        hint: "close the string with ' (write '' for a quote inside)",
      });
    }
    if (text[end + 1] !== "'") return end + 1;
    i = end + 2;
  }
}

function findCurlyEnd(text: string, from: number, open: number): number {
  let i = from;
  while (i < text.length) {
    if (text[i] === "'") i = skipString(text, i, open);
    else if (text.startsWith('}}', i)) return i;
    else i++;
  }
  throw new WfError('E_EXPR', `unclosed expression ${snippet(text, open)}`, { hint: "close it with '}}'" });
}

function findAngleEnd(text: string, from: number, open: number): number {
  let depth = 0;
  let i = from;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "'") {
      i = skipString(text, i, open);
      continue;
    }
    if (c === '(' || c === '[') depth++;
    else if ((c === ')' || c === ']') && depth > 0) depth--;
    else if (c === '>' && depth === 0) return i;
    i++;
  }
  throw new WfError('E_EXPR', `unclosed expression ${snippet(text, open)}`, {
    hint: "close it with '>' (a '>' comparison inside $<…> needs parentheses)",
  });
}
