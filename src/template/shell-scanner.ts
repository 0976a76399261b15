import { WfError } from '../errors/index.js';
import { readHeredoc, type Heredoc } from './shell-heredoc.js';

type Kind = 'top' | 'cmd' | 'arith' | 'backtick' | 'double' | 'single' | 'ansi' | 'comment' | 'heredoc';

interface Frame {
  kind: Kind;
  depth: number;
  heredoc?: Heredoc;
}

const BOUNDARY = new Set(['', ' ', '\t', '\n', ';', '&', '|', '(', ')', '<', '>']);

/**
 * Tracks the quoting context of a bash script as it is written, so that an expression can be
 * replaced by a variable reference that is right where it stands (see `reference`).
 * Handles '…', "…", $'…', backslashes, $( ), ` `, $(( )), # comments and heredoc bodies;
 * it is a scanner, not a parser: exotic syntax (a `)` in a case pattern inside $( )) can fool it.
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

  private push(kind: Kind, heredoc?: Heredoc): void {
    this.stack.push({ kind, depth: 0, heredoc });
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
   * The text that stands for the value of environment variable `name` at the current place:
   * `"${X}"` outside quotes, `${X}` inside double quotes or a heredoc body, and for single
   * quotes close, reference, reopen: `'a '"${X}"' b'`. Throws where no reference can be safe.
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
    switch (kind) {
      case 'single':
        return `'"\${${name}}"'`;
      case 'ansi':
        return `'"\${${name}}"$'`;
      case 'double':
      case 'comment':
        return `\${${name}}`;
      case 'heredoc':
        if (quoted) {
          throw shellError('an expression in a quoted heredoc (<<\'EOF\') cannot be expanded', 'use an unquoted delimiter (<<EOF)');
        }
        this.lineClean = false;
        return `\${${name}}`;
      case 'arith':
        // Bash evaluates text in arithmetic context as code (a[$(cmd)]): values must not go there.
        throw shellError('an expression inside $(( )) or (( )) would be evaluated as code', 'assign it to a variable first: n="${{ … }}"');
      default:
        return `"\${${name}}"`;
    }
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
   * `$(`, `$((` and backquotes start a nested command context (also inside "…" and heredocs);
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
    }
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
    else if (frame.kind === 'arith') {
      if (c === '(') frame.depth++;
      else if (c === ')' && frame.depth > 0) frame.depth--;
      else if (c === ')') {
        this.pop();
        return next === ')' ? i + 1 : i;
      }
    } else if (c === '(' && next === '(' && BOUNDARY.has(prev)) {
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

  private newline(): void {
    const heredoc = this.pending.shift();
    if (heredoc) this.startBody(heredoc);
  }

  private startBody(heredoc: Heredoc): void {
    this.push('heredoc', heredoc);
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

function shellError(message: string, hint: string): WfError {
  return new WfError('E_EXPR', `in a shell script: ${message}`, { hint });
}
