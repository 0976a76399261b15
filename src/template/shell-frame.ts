import { shellError } from './shell-error.js';
import type { Heredoc } from './shell-heredoc.js';
import { checkParam, type Param } from './shell-param.js';

export type Kind = 'top' | 'cmd' | 'arith' | 'backtick' | 'double' | 'single' | 'ansi' | 'comment' | 'heredoc' | 'param';

/** One nested context of the shell scanner. */
export interface Frame {
  kind: Kind;
  depth: number;
  heredoc?: Heredoc;
  /** `${…}` */
  param?: Param;
  /** What closes an arith frame: `)` (twice) for $(( )) and (( )), `]` for $[ ]. */
  close?: ')' | ']';
}

/**
 * Throws where no reference can stand: a value as the name in `${…}` (`${!X}`), in any `${…}` up to
 * the nearest code context. Places where bash evaluates a value are guarded at run time instead.
 */
export function checkPlace(stack: readonly Frame[]): void {
  for (let k = stack.length - 1; k >= 0; k--) {
    const frame = stack[k]!;
    if (frame.param) checkParam(frame.param);
    else return;
  }
}

/**
 * The text that stands for the value of environment variable `name` in `frame`: `"${X}"` outside
 * quotes, `${X}` inside double quotes or a heredoc body, and for single quotes close, reference,
 * reopen: `'a '"${X}"' b'`; bare `${X}` in arithmetic, where quotes are not needed and a guard
 * holds the value to an integer. Throws in a quoted heredoc, where nothing is expanded.
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
    case 'arith':
      return `\${${name}}`;
    case 'param':
      return frame.param!.quoted || frame.param!.phase === 'subscript' || frame.param!.phase === 'offset' ? `\${${name}}` : `"\${${name}}"`;
    default:
      return `"\${${name}}"`;
  }
}
