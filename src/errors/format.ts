import { readFileSync, statSync } from 'node:fs';
import { maskSecretLine, maskSecretText } from './secret-text.js';
import { diagnosticsOf, type WfError } from './wf-error.js';

export interface Styler {
  code(text: string): string;
  loc(text: string): string;
  caret(text: string): string;
  hint(text: string): string;
  dim(text: string): string;
}

const plain: Styler = { code: (t) => t, loc: (t) => t, caret: (t) => t, hint: (t) => t, dim: (t) => t };

/** The largest file a source excerpt is read from. */
const MAX_SOURCE_BYTES = 20 * 1024 * 1024;

/**
 * Reads a source line for a caret display; tolerant of files that vanished. Only a regular file
 * is opened (a FIFO named like a conf file would block).
 */
function sourceLine(file: string, line: number, cache: Map<string, string[] | null>): string | undefined {
  if (!cache.has(file)) {
    try {
      const st = statSync(file);
      cache.set(file, st.isFile() && st.size <= MAX_SOURCE_BYTES ? readFileSync(file, 'utf8').split(/\r?\n/) : null);
    } catch {
      cache.set(file, null); // not a file (e.g. '<command line>'): show no source line
    }
  }
  return cache.get(file)?.[line - 1];
}

/** Control characters from a conf file or a value are shown escaped, never sent to the terminal; secret defaults masked. */
export function escapeControl(text: string, maskSecrets: (t: string) => string = maskSecretText): string {
  // eslint-disable-next-line no-control-regex
  return maskSecrets(text).replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * Renders one or many diagnostics as
 * `file:line:col  CODE  message`, the source line with a caret, and `hint: …`.
 */
export function formatError(error: WfError, style: Styler = plain): string {
  const cache = new Map<string, string[] | null>();
  return diagnosticsOf(error)
    .map((e) => formatOne(e, style, cache))
    .join('\n\n');
}

function formatOne(e: WfError, style: Styler, cache: Map<string, string[] | null>): string {
  const where = e.loc ? `${e.loc.file}:${e.loc.line}:${e.loc.col}` : 'wf';
  const out = [`${style.loc(escapeControl(where))}  ${style.code(e.code)}  ${escapeControl(e.message)}`];
  if (e.loc) {
    const raw = sourceLine(e.loc.file, e.loc.line, cache);
    // Masked before the long-line cut, same width, so no part of a secret default shows and the caret stays put.
    const text = raw === undefined ? undefined : maskSecretLine(raw);
    if (text !== undefined) {
      const gutter = String(e.loc.line);
      const pad = ' '.repeat(gutter.length);
      // A very long line is shown around the column only.
      const from = text.length > 160 ? Math.max(0, e.loc.col - 60) : 0;
      const shown = text.length > 160 ? `${from > 0 ? '…' : ''}${text.slice(from, from + 160)}${from + 160 < text.length ? '…' : ''}` : text;
      const col = e.loc.col - from + (from > 0 ? 1 : 0);
      const caretLen = Math.max(1, Math.min(e.loc.length ?? 1, 100, Math.max(1, shown.length - col + 1)));
      out.push(style.dim(`  ${gutter} | `) + escapeControl(shown, (t) => t));
      out.push(style.dim(`  ${pad} | `) + ' '.repeat(Math.max(0, col - 1)) + style.caret('^'.repeat(caretLen)));
    }
  }
  if (e.hint) out.push(`  ${style.hint('hint:')} ${escapeControl(e.hint)}`);
  return out.join('\n');
}
