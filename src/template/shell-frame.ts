import type { CommandWords } from './shell-command.js';
import { evaluatedError, shellError } from './shell-error.js';
import type { Heredoc } from './shell-heredoc.js';
import { checkParam, type Param } from './shell-param.js';

export type Kind = 'top' | 'cmd' | 'arith' | 'backtick' | 'double' | 'single' | 'ansi' | 'comment' | 'heredoc' | 'param';

/** One nested context of the shell scanner. */
export interface Frame {
  kind: Kind;
  depth: number;
  heredoc?: Heredoc;
  /** Code contexts (top, $( ), ` `): the command being written there. */
  words?: CommandWords;
  /** `${…}` */
  param?: Param;
  /** What closes an arith frame: `)` (twice) for $(( )) and (( )), `]` for $[ ]. */
  close?: ')' | ']';
}

/**
 * Throws where bash would evaluate a value as arithmetic, which runs code (`a[$(cmd)]`): the
 * frames up to the nearest code context, then that context's command (let, [[ -gt ]], …).
 * A command substitution's output is that command's business, so the walk stops there.
 */
export function checkPlace(stack: readonly Frame[]): void {
  for (let k = stack.length - 1; k >= 0; k--) {
    const frame = stack[k]!;
    if (frame.kind === 'arith') throw evaluatedError('inside $(( )), (( )) or $[ ]');
    if (frame.param) checkParam(frame.param);
    if (frame.words) return frame.words.value();
    if (frame.kind === 'heredoc') return;
  }
}

/**
 * The text that stands for the value of environment variable `name` in `frame`: `"${X}"` outside
 * quotes, `${X}` inside double quotes or a heredoc body, and for single quotes close, reference,
 * reopen: `'a '"${X}"' b'`. Throws in a quoted heredoc, where nothing is expanded.
 */
export function referenceText(frame: Frame, name: string): string {
  switch (frame.kind) {
    case 'single':
      return `'"\${${name}}"'`;
    case 'ansi':
      return `'"\${${name}}"$'`;
    case 'double':
    case 'comment':
      return `\${${name}}`;
    case 'heredoc':
      if (frame.heredoc!.quoted) {
        throw shellError('an expression in a quoted heredoc (<<\'EOF\') cannot be expanded', 'use an unquoted delimiter (<<EOF)');
      }
      return `\${${name}}`;
    case 'param':
      return frame.param!.quoted ? `\${${name}}` : `"\${${name}}"`;
    default:
      return `"\${${name}}"`;
  }
}
