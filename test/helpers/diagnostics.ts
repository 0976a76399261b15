import { readFileSync } from 'node:fs';

/** One `file:line:col  CODE  message` block of wf's error output (file is null for `wf  CODE  …`). */
export interface Diagnostic {
  file: string | null;
  line: number | null;
  col: number | null;
  code: string;
  message: string;
  /** The text after `hint:`, if the block has one. */
  hint: string | undefined;
  /** The source line shown under the header (without the gutter), if any. */
  source: string | undefined;
  /** The whole block, for failure messages. */
  text: string;
}

const LOCATED = /^(\S.*?):(\d+):(\d+) {2}(E_[A-Z_]+) {2}(.*)$/;
const UNLOCATED = /^wf {2}(E_[A-Z_]+) {2}(.*)$/;

/** Splits wf's stderr into its diagnostics. */
export function parseDiagnostics(stderr: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  let current: Diagnostic | undefined;
  for (const line of stderr.split('\n')) {
    const located = LOCATED.exec(line);
    const bare = located ? null : UNLOCATED.exec(line);
    if (located) {
      current = { file: located[1]!, line: Number(located[2]), col: Number(located[3]), code: located[4]!, message: located[5]!, hint: undefined, source: undefined, text: line };
      out.push(current);
      continue;
    }
    if (bare) {
      current = { file: null, line: null, col: null, code: bare[1]!, message: bare[2]!, hint: undefined, source: undefined, text: line };
      out.push(current);
      continue;
    }
    if (!current) continue;
    current.text += `\n${line}`;
    const hint = /^ {2}hint: (.*)$/.exec(line);
    if (hint) current.hint = hint[1];
    const src = /^ {2}\d+ \| (.*)$/.exec(line);
    if (src && current.source === undefined) current.source = src[1];
  }
  return out;
}

/** The 1-based line and column where `needle` starts in `text` (its `nth` occurrence). */
export function lineCol(text: string, needle: string, nth = 1): { line: number; col: number } {
  let at = -1;
  for (let i = 0; i < nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`'${needle}' (occurrence ${nth}) not found in:\n${text}`);
  }
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  return { line, col: at - before.lastIndexOf('\n') };
}

/** `lineCol` on a file's contents. */
export function fileLineCol(path: string, needle: string, nth = 1): { line: number; col: number } {
  return lineCol(readFileSync(path, 'utf8'), needle, nth);
}

/** True when the text holds a JavaScript stack frame (`    at fn (file:1:2)`). */
export function hasStackTrace(text: string): boolean {
  return /^\s+at .+(:\d+:\d+\)?|\(native\))$/m.test(text);
}
