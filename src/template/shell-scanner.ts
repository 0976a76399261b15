import { shellError } from './shell-error.js';
import { checkPlace, referenceText, type Frame, type Kind } from './shell-frame.js';
import { readHeredoc, type Heredoc } from './shell-heredoc.js';
import { advanceParam, newParam, type Param } from './shell-param.js';

const BOUNDARY = new Set(['', ' ', '\t', '\n', ';', '&', '|', '(', ')', '<', '>']);

/**
 * Tracks the quoting context of a bash script as it is written, so that an expression can be
 * replaced by a variable reference that is right where it stands (see `reference`).
 * Handles '…', "…", $'…', backslashes, $( ), ` `, $(( )), ${…}, # comments and heredoc bodies,
 * and refuses the few places where no reference can be right (`checkPlace`). It only chooses the
 * quoting; where bash evaluates a value as code is decided on the parsed script (shell-syntax.ts).
 */
export class ShellScanner {
  private stack: Frame[] = [{ kind: 'top', depth: 0 }];
  private pending: Heredoc[] = [];
  private escaped = false;
  private prev = '';
  // Heredoc body: the current line, and whether it can still be the closing delimiter.
  private line = '';
  private lineClean = true;

  private get frame(): Frame {
    return this.stack[this.stack.length - 1]!;
  }

  private push(kind: Kind, extra: Omit<Frame, 'kind' | 'depth'> = {}): void {
    this.stack.push({ kind, depth: 0, ...extra });
    this.lineClean = false; // a heredoc line that opens a nested context is not the delimiter line
  }

  private pop(): void {
    if (this.stack.length > 1) this.stack.pop();
  }

  /** Consumes literal script text. */
  feed(text: string): void {
    for (let i = 0; i < text.length; i++) i = this.step(text, i);
  }

  /**
   * The text that stands for the value of environment variable `name` at the current place,
   * quoted for where it stands (see `referenceText`). Throws where no reference can be safe.
   */
  reference(name: string): string {
    const kind = this.frame.kind;
    const quoted = this.frame.heredoc?.quoted ?? false;
    if (this.escaped && kind !== 'single' && kind !== 'comment' && !(kind === 'heredoc' && quoted)) {
      throw shellError('a backslash right before an expression would escape the quoting wf adds', 'remove the backslash');
    }
    if (this.prev === '$' && kind !== 'single' && kind !== 'ansi' && kind !== 'comment' && !quoted) {
      throw shellError("a '$' right before an expression would change how the value is read", "remove the '$'");
    }
    this.prev = 'x';
    if (kind === 'heredoc') this.lineClean = false;
    if (kind !== 'comment') checkPlace(this.stack);
    return referenceText(this.frame, name);
  }

  /** Processes text[i] (and any characters it owns); returns the index of the last one consumed. */
  private step(text: string, i: number): number {
    const c = text[i]!;
    const next = text[i + 1] ?? '';
    const frame = this.frame;
    const prev = this.prev;
    this.prev = c;
    if (this.escaped) {
      this.escaped = false;
      if (frame.kind === 'heredoc') this.line += c;
      this.prev = 'x'; // an escaped `$` or `#` is an ordinary character
      return i;
    }
    switch (frame.kind) {
      case 'single':
        if (c === "'") this.pop();
        return i;
      case 'ansi':
        if (c === '\\') this.escaped = true;
        else if (c === "'") this.pop();
        return i;
      case 'comment':
        if (c === '\n') {
          this.pop();
          this.newline();
        }
        return i;
      case 'heredoc':
        return this.heredocStep(text, i, frame.heredoc!);
      case 'param':
        return this.paramStep(text, i, frame.param!);
      case 'double':
        if (c === '\\') this.escaped = true;
        else if (c === '"') this.pop();
        else return this.substitution(text, i);
        return i;
      default:
        return this.codeStep(text, i, c, next, prev);
    }
  }

  /**
   * `$(`, `$((`, `$[`, `${` and backquotes start a nested context (also inside "…" and heredocs);
   * `$$` is the PID, so the second `$` does not start anything.
   */
  private substitution(text: string, i: number): number {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === '`') {
      if (this.frame.kind === 'backtick') this.pop();
      else this.push('backtick');
    } else if (c === '$' && next === '$') {
      this.prev = 'x';
      return i + 1;
    } else if (c === '$' && next === '(') {
      const arith = text[i + 2] === '(';
      this.push(arith ? 'arith' : 'cmd');
      this.prev = '(';
      return i + (arith ? 2 : 1);
    } else if (c === '$' && (next === '{' || next === '[')) {
      const kind = this.frame.kind;
      const quoted = kind === 'double' || kind === 'heredoc' || (this.frame.param?.quoted ?? false);
      if (next === '{') this.push('param', { param: newParam(quoted) });
      else this.push('arith', { close: ']' });
      this.prev = next;
      return i + 1;
    }
    return i;
  }

  /** Inside `${…}`: quotes and expansions nest as in code; `advanceParam` follows the rest. */
  private paramStep(text: string, i: number, param: Param): number {
    const c = text[i]!;
    if (c === '}') this.pop();
    else if (c === '\\') this.escaped = true;
    else if (c === "'") this.push('single'); // even in "${x:-'}'}" the quotes hide the `}`
    else if (c === '"') this.push('double');
    else if (c === '$' || c === '`') return this.substitution(text, i);
    else advanceParam(param, c, text[i + 1] ?? '');
    return i;
  }

  private codeStep(text: string, i: number, c: string, next: string, prev: string): number {
    const frame = this.frame;
    if (c === '\\') this.escaped = true;
    else if (c === "'") this.push('single');
    else if (c === '"') this.push('double');
    else if (c === '$' && next === "'") {
      this.push('ansi');
      return i + 1;
    } else if (c === '`' || c === '$') return this.substitution(text, i);
    else if (frame.kind === 'arith') return this.arithStep(i, c, next, frame);
    else if (c === '(' && next === '(' && BOUNDARY.has(prev)) {
      this.push('arith');
      return i + 1;
    } else if (c === '(' && frame.kind === 'cmd') frame.depth++;
    else if (c === ')' && frame.kind === 'cmd') {
      if (frame.depth === 0) this.pop();
      else frame.depth--;
    } else if (c === '#' && BOUNDARY.has(prev)) this.push('comment');
    else if (c === '<' && next === '<') return this.heredocStart(text, i);
    else if (c === '\n') this.newline();
    return i;
  }

  /** `$(( ))` and `(( ))` close at `))`, `$[ ]` at `]`; brackets of the same kind nest. */
  private arithStep(i: number, c: string, next: string, frame: Frame): number {
    const [open, close] = frame.close === ']' ? ['[', ']'] : ['(', ')'];
    if (c === open) frame.depth++;
    else if (c === close && frame.depth > 0) frame.depth--;
    else if (c === close) {
      this.pop();
      return close === ')' && next === ')' ? i + 1 : i;
    }
    return i;
  }

  private newline(): void {
    const heredoc = this.pending.shift();
    if (heredoc) this.startBody(heredoc);
  }

  private startBody(heredoc: Heredoc): void {
    this.push('heredoc', { heredoc });
    this.line = '';
    this.lineClean = true;
  }

  /** `<<WORD` queues a heredoc whose body starts at the next newline; `<<<` is a here-string. */
  private heredocStart(text: string, i: number): number {
    if (text[i + 2] === '<') return i + 2;
    const { heredoc, last } = readHeredoc(text, i);
    if (heredoc) this.pending.push(heredoc);
    this.prev = 'x';
    return last;
  }

  private heredocStep(text: string, i: number, heredoc: Heredoc): number {
    const c = text[i]!;
    if (c === '\n') {
      const line = heredoc.stripTabs ? this.line.replace(/^\t+/, '') : this.line;
      this.line = '';
      if (this.lineClean && line === heredoc.delimiter) {
        this.pop();
        this.newline();
      }
      this.lineClean = true;
      return i;
    }
    this.line += c;
    if (heredoc.quoted) return i;
    if (c === '\\') {
      this.escaped = true;
      return i;
    }
    return this.substitution(text, i);
  }
}
