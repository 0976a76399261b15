import { shellError } from './shell-error.js';

/** Where the scanner stands inside a `${…}` expansion. */
export interface Param {
  /** name; `[subscript]` and `:offset:length` (both arithmetic); an operator's word (`:-word`). */
  phase: 'name' | 'subscript' | 'offset' | 'word';
  /** The name has begun (after any `#` or `!` prefix). */
  named: boolean;
  /** `[` still open in the subscript. */
  brackets: number;
  /** Opened inside "…" or a heredoc body: a reference there needs no quotes of its own. */
  quoted: boolean;
}

export function newParam(quoted: boolean): Param {
  return { phase: 'name', named: false, brackets: 0, quoted };
}

/**
 * Follows one unquoted character inside `${…}` other than `}`, quotes, `\` and `$`. `next` is ''
 * at the end of a literal part, that is right before an expression.
 */
export function advanceParam(p: Param, c: string, next: string): void {
  if (p.phase === 'subscript') {
    if (c === '[') p.brackets++;
    else if (c === ']' && --p.brackets === 0) p.phase = 'name';
  } else if (p.phase === 'name') {
    if (/\w/.test(c) || (!p.named && '@*?-'.includes(c))) p.named = true;
    else if (!p.named && (c === '#' || c === '!')) return; // ${#x} length, ${!x} indirection
    else if (c === '[' && p.named) {
      p.phase = 'subscript';
      p.brackets = 1;
    } else if (c === ':' && p.named) p.phase = next !== '' && '-=?+'.includes(next) ? 'word' : 'offset';
    else p.phase = 'word';
  }
  // offset and word run to the closing `}`
}

/** Throws where a value inside `${…}` would be the variable's name (`${!X}`, `${X:-…}` for a name). */
export function checkParam(p: Param): void {
  if (p.phase === 'name') {
    throw shellError('an expression inside ${…} would stand for a variable name', 'write the name itself: ${name:-${{ … }}}');
  }
}
