import { Chalk, type ChalkInstance } from 'chalk';
import type { Styler } from '../errors/index.js';

/** chalk honours TTY detection and FORCE_COLOR; NO_COLOR is honoured here. */
function colorLevel(stream: NodeJS.WriteStream): 0 | 1 | 2 | 3 {
  if ('NO_COLOR' in process.env && process.env.NO_COLOR !== '') return 0;
  if (process.env.FORCE_COLOR !== undefined) return process.env.FORCE_COLOR === '0' ? 0 : 1;
  return stream.isTTY ? 1 : 0;
}

export const out: ChalkInstance = new Chalk({ level: colorLevel(process.stdout) });
export const err: ChalkInstance = new Chalk({ level: colorLevel(process.stderr) });

export const errorStyle: Styler = {
  code: (t) => err.bold.red(t),
  loc: (t) => err.bold(t),
  caret: (t) => err.red(t),
  hint: (t) => err.cyan(t),
  dim: (t) => err.dim(t),
};

export const STATUS_ICON: Record<string, string> = {
  success: '✓', failed: '✗', upstream_failed: '↑', skipped: '○', cancelled: '⊘', interrupted: '!', running: '▶', pending: '·', paused: '‖',
};

export function statusColor(c: ChalkInstance, status: string): (t: string) => string {
  switch (status) {
    case 'success': return c.green;
    case 'failed': case 'interrupted': case 'upstream_failed': return c.red;
    case 'cancelled': case 'paused': return c.yellow;
    case 'running': return c.cyan;
    default: return c.dim;
  }
}
