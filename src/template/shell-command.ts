import { evaluatedError } from './shell-error.js';

/** `[[ ]]` operators whose operands bash evaluates as arithmetic, or reads as a variable name (-v). */
const DOUBLE_TEST_OPS = new Set(['-eq', '-ne', '-lt', '-le', '-gt', '-ge', '-v']);
/** `[ ]` and `test` compare numbers without evaluating them; only -v reads a name (and its subscript). */
const TEST_OPS = new Set(['-v']);
/** Words after which the next word is still a command name. */
const KEYWORDS = new Set(['if', 'then', 'elif', 'else', 'do', 'while', 'until', '!', '{', 'time']);
/** Builtins whose arguments are assignments; declare, typeset and local take -i (and -n). */
const ASSIGNING = new Set(['declare', 'typeset', 'local', 'export', 'readonly']);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** An assignment word (`n=`, `n+=`, `a[…]=`) and the name it assigns. */
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)(?:\[.*\])?\+?=/s;

type Command = 'let' | 'assign' | '[[' | 'test' | 'other';

function commandOf(word: string): Command {
  if (word === 'let') return 'let';
  if (word === '[[') return '[[';
  if (word === '[' || word === 'test') return 'test';
  return ASSIGNING.has(word) ? 'assign' : 'other';
}

/**
 * Follows the words of the simple command being written in one code context (the script, a
 * `$( )`, a backquote), to tell when a value would land where bash evaluates arithmetic: `let`,
 * `declare -i`, `[[ -gt ]]`, `a[…]`. Quoting does not help there, so such places are refused.
 */
export class CommandWords {
  /** undefined while the next word is the command name. */
  private command: Command | undefined;
  /** Unquoted text of the current word so far (`$` stands for any expansion or value). */
  private word = '';
  /** The current word has no quote, escape or expansion yet: it could be a name or a keyword. */
  private plain = true;
  private last = '';
  /** `[` open after a name in the current word: `a[…]=x`, `unset a[…]`. */
  private subscript = 0;
  /** Inside `a=( … )`, whose `[k]=v` elements have subscripts too. */
  private array = false;
  /** Option letters given to declare & co. */
  private flags = '';
  /** In a `[[ ]]` or `[ ]`: a value was placed / an operator that evaluates was seen. */
  private testValue = false;
  private testOp = false;

  /** `ints`: names declared -i anywhere in the script, shared by all contexts. */
  constructor(private readonly ints: Set<string>) {}

  /** One unquoted character of code (the scanner handles what follows a quote, `\` or `$`). */
  see(c: string): void {
    const last = this.last;
    this.last = c;
    if (c === ' ' || c === '\t' || c === '<' || c === '>') return this.endWord();
    if (c === '&' && (last === '<' || last === '>')) return this.endWord(); // 2>&1 is a redirection
    if ('\n;&|()'.includes(c)) return this.operator(c);
    if (c === '[' && (this.subscript > 0 || (this.plain && (NAME.test(this.word) || (this.array && this.word === ''))))) {
      this.subscript++;
    } else if (c === ']' && this.subscript > 0) this.subscript--;
    if ('\'"\\$`'.includes(c)) this.plain = false;
    this.word += c;
  }

  /** Records a value placed here; throws where bash would evaluate it. */
  value(): void {
    const where = this.evaluated();
    if (where) throw evaluatedError(where);
    this.word += '$';
    this.plain = false;
  }

  private evaluated(): string | undefined {
    if (this.subscript > 0) return 'in an array subscript a[…]';
    if (this.command === 'let') return 'in the arguments of let';
    if (this.command === 'assign' && /[in]/.test(this.flags)) return 'in declare/local/typeset -i (or -n)';
    const name = ASSIGNMENT.exec(this.word)?.[1];
    if (name && this.ints.has(name) && (this.command === undefined || this.command === 'assign')) {
      return `in an assignment to ${name}, which is declared -i`;
    }
    if (this.command === '[[' || this.command === 'test') {
      this.testValue = true;
      if (this.testOp) return this.testWhere();
    }
    return undefined;
  }

  private testWhere(): string {
    return this.command === '[[' ? 'in a [[ ]] that compares numbers (-eq -lt …) or tests -v' : 'in a [ ] or test with -v';
  }

  /** `;`, `&`, `|`, `(`, `)` and newlines end the command, except inside `[[ ]]` and `a=( )`. */
  private operator(c: string): void {
    const opensArray = c === '(' && this.plain && /^[A-Za-z_][A-Za-z0-9_]*\+?=$/.test(this.word);
    this.endWord();
    if (opensArray) this.array = true;
    else if (this.array) this.array = c !== ')';
    else if (this.command !== '[[') this.reset();
  }

  private endWord(): void {
    const { word, plain } = this;
    this.word = '';
    this.plain = true;
    this.subscript = 0;
    if ((word === '' && plain) || this.array) return;
    if (this.command === undefined) {
      // Keywords (`if`, `!`) and assignments (`X=1 cmd`) leave the next word in command position.
      if (!(plain && KEYWORDS.has(word)) && !ASSIGNMENT.test(word)) this.command = commandOf(word);
    } else if (this.command === 'assign') {
      if (/^-[A-Za-z]+$/.test(word)) this.flags += word.slice(1);
      else if (this.flags.includes('i')) this.ints.add(/^[A-Za-z_]\w*/.exec(word)?.[0] ?? '');
    } else if (this.command === '[[' && word === ']]') {
      this.reset();
    } else if (this.command === '[[' || this.command === 'test') {
      // The operator may come after the value (`[[ $v -gt 0 ]]`): refuse once both are known.
      this.testOp ||= (this.command === '[[' ? DOUBLE_TEST_OPS : TEST_OPS).has(word);
      if (this.testOp && this.testValue) throw evaluatedError(this.testWhere());
    }
  }

  private reset(): void {
    this.command = undefined;
    this.subscript = 0;
    this.array = false;
    this.flags = '';
    this.testValue = false;
    this.testOp = false;
  }
}
