import { createRequire } from 'node:module';
import type Parser from 'tree-sitter';

type Node = Parser.SyntaxNode;

/** What a value must be where bash evaluates it: a plain integer, or a plain name (identifier). */
export type GuardKind = 'integer' | 'name';
/** The guard of one expression of a script, and the place that needs it (for the message). */
export interface Guard {
  kind: GuardKind;
  where: string;
}

/** Commands that run one argument as code, and the flags that introduce it: bash -c CODE, node -e CODE. */
const INTERPRETERS: Record<string, string> = {
  bash: 'c', sh: 'c', dash: 'c', zsh: 'c', ksh: 'c', mksh: 'c', ash: 'c', rbash: 'c', su: 'c', flock: 'c', script: 'c',
  python: 'c', python2: 'c', python3: 'c', node: 'ep', nodejs: 'ep', deno: 'e', perl: 'eE', ruby: 'e', php: 'r', lua: 'e', Rscript: 'e',
  env: 'S',
};
/** Long options that mean "the next word is code". */
const LONG_CODE_FLAGS = new Set(['--eval', '--print', '--command', '--exec']);
/** Options of interpreters that take the next word as their argument (bash -o pipefail, python -W x). */
const OPTION_WITH_ARG = new Set(['-o', '+o', '-O', '+O', '--rcfile', '--init-file', '-W', '-X', '-m', '-r', '--require', '-I', '-M']);
/** Commands whose standard input is a script: a heredoc or here-string fed to them is code. */
const STDIN_RUNNERS = new Set([...Object.keys(INTERPRETERS), 'source', '.', 'eval']);
/** Variables whose value bash itself runs or expands as code (PS4 under set -x, BASH_ENV, …). */
const CODE_VARIABLES = new Set(['PS0', 'PS1', 'PS2', 'PS4', 'PROMPT_COMMAND', 'BASH_ENV', 'ENV']);
/** Builtins that take variable names: a value there is a name, and `a[…]` in it is arithmetic. */
const NAME_TAKERS = new Set(['read', 'mapfile', 'readarray', 'unset', 'getopts']);
/** Their options that take a value of their own (read -p PROMPT): data, except a callback (-C). */
const OPTION_VALUE = /^-[dinNptuOsc]$/;
/** Builtins that declare variables (reached as plain commands too: `builtin declare`, `'declare'`). */
const DECLARERS = new Set(['declare', 'typeset', 'local', 'export', 'readonly']);
/** Builtins that run their arguments as shell code, now or later. */
const CODE_RUNNERS = new Set(['eval', 'trap', 'alias', 'let']);
/** Words that run the command after them (`command eval …`, `time -p read …`), and their options that take a value. */
const WRAPPERS: Record<string, Set<string>> = {
  command: new Set(), builtin: new Set(), time: new Set(), nohup: new Set(), exec: new Set(['-a']), env: new Set(['-u', '-C', '-S']),
  sudo: new Set(['-u', '-g', '-C', '-h', '-p', '-r', '-t', '-U']), nice: new Set(['-n']), ionice: new Set(['-c', '-n']), stdbuf: new Set(), setsid: new Set(),
  timeout: new Set(['-s', '-k', '--signal', '--kill-after']),
};
const DOUBLE_TEST_ARITH = new Set(['-eq', '-ne', '-lt', '-le', '-gt', '-ge']);

let parser: Parser | undefined;

/**
 * tree-sitter-bash, loaded on first use: a warm run reads the guards from the compiled-model cache
 * and never loads it. Native and synchronous (~20 ms), so the loader stays synchronous; chosen over
 * the WebAssembly builds by measurement (see the README's performance notes).
 */
function bashParser(): Parser {
  if (!parser) {
    const require = createRequire(import.meta.url);
    const TreeSitter = require('tree-sitter') as typeof Parser;
    parser = new TreeSitter();
    parser.setLanguage(require('tree-sitter-bash') as Parser.Language);
  }
  return parser;
}

/**
 * For each reference `${<prefix>N}` that wf wrote into `script` (N = 1…count), where bash would
 * evaluate its value as code or take it as a name, and so what the value must be; null where bash
 * reads it as data. The script is parsed as bash will read it, references and all.
 * Example: `(( ${WF_E1} > 0 )); echo "${WF_E2}"` → [{kind: 'integer', …}, null].
 */
export function shellGuards(script: string, prefix: string, count: number): Array<Guard | null> {
  const guards: Array<Guard | null> = Array.from({ length: count }, () => null);
  if (count === 0) return guards;
  const tree = bashParser().parse(script);
  const decl = declaredTypes(tree.rootNode);
  const errors = tree.rootNode.hasError ? tree.rootNode.descendantsOfType('ERROR') : [];
  const ref = new RegExp(`^${prefix}(\\d+)$`);
  const seen = new Set<number>();
  // descendantsOfType is one native call; walking namedChildren from JS costs ten times as much.
  for (const node of tree.rootNode.descendantsOfType('variable_name')) {
    const parent = node.parent;
    if (!parent || (parent.type !== 'expansion' && parent.type !== 'simple_expansion')) continue;
    const m = ref.exec(node.text);
    if (!m) continue;
    const i = Number(m[1]) - 1;
    if (i < 0 || i >= count) continue;
    seen.add(i);
    const guard = (errors.length > 0 && inBrokenStatement(parent, errors) ? integer(UNPARSED) : null) ?? classify(parent, decl) ?? substitutedInto(parent, decl);
    // One expression appears once; the strictest verdict wins if the text repeats a reference.
    if (guard && (!guards[i] || guard.kind === 'integer')) guards[i] = guard;
  }
  // A reference the parser did not see as an expansion is text only inside a comment; anywhere else
  // the parser lost its way (two heredocs on one line, a <<- body), and no verdict is safe.
  let comments: Node[] | undefined; // looked up only for a reference the parser did not see
  const all = new RegExp(`\\$\\{${prefix}(\\d+)\\}`, 'g');
  const spans = arithmeticSpans(script);
  for (const m of script.matchAll(all)) {
    const i = Number(m[1]) - 1;
    if (i < 0 || i >= count) continue;
    const at = m.index!;
    // The parser reads some $(( )) as $( ( ) ) (inside ${x:-…}, in heredoc bodies): the text decides too.
    if (spans.some(([a, b]) => at > a && at < b)) guards[i] = integer('in arithmetic (( ))');
    else if (!seen.has(i) && !(comments ??= tree.rootNode.descendantsOfType('comment')).some((c) => at >= c.startIndex && at < c.endIndex)) guards[i] ??= integer(UNPARSED);
  }
  return guards;
}

/** Whether the top-level statement holding `node` contains a part the parser could not read. */
function inBrokenStatement(node: Node, errors: Node[]): boolean {
  let top = node;
  while (top.parent && top.parent.parent) top = top.parent;
  return errors.some((e) => e.startIndex < top.endIndex && e.endIndex > top.startIndex);
}

/**
 * Where the text holds arithmetic, found without the parser: `$(( … ))`, `$[ … ]` and `(( … ))`
 * with their nesting. A backstop for what the parser misreads; a `(( ` that is really two subshells
 * only makes the guard stricter.
 */
function arithmeticSpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (let i = text.indexOf('(('); i >= 0; i = text.indexOf('((', i + 1)) {
    // $(( )) anywhere (strings and heredoc bodies expand it); a bare (( )) only where a command starts.
    const command = /(^|[;&|!({}]|\b(?:then|do|else|elif|if|while|until|time))\s*$/.test(text.slice(text.lastIndexOf('\n', i - 1) + 1, i));
    if (text[i - 1] !== '$' && !command) continue;
    let depth = 0;
    let j = i;
    for (; j < text.length; j++) {
      if (text[j] === '(') depth++;
      else if (text[j] === ')' && --depth === 0) break;
    }
    spans.push([i, j]);
  }
  for (let i = text.indexOf('$['); i >= 0; i = text.indexOf('$[', i + 1)) {
    let depth = 0;
    let j = i + 1;
    for (; j < text.length; j++) {
      if (text[j] === '[') depth++;
      else if (text[j] === ']' && --depth === 0) break;
    }
    spans.push([i, j]);
  }
  return spans;
}

interface Declared {
  ints: Set<string>;
  /** declare -A: each declaration, so a subscript is trusted as a string key only after one in its own scope. */
  assoc: Map<string, Node[]>;
  /** declare -n: a value assigned to one later is a name. */
  refs: Set<string>;
}

/** Names declared anywhere with -i (integers: assignments are arithmetic) or -A (string subscripts). */
function declaredTypes(root: Node): Declared {
  const d: Declared = { ints: new Set(), assoc: new Map(), refs: new Set() };
  for (const n of root.descendantsOfType('declaration_command')) {
    const flags = declFlags(n);
    for (const c of n.namedChildren) {
      const quoted = (c.type === 'string' || c.type === 'raw_string') && /^['"]?[A-Za-z_][A-Za-z0-9_]*['"]?$/.test(c.text) ? plain(c) : undefined;
      const name = c.type === 'variable_name' ? c.text : c.type === 'variable_assignment' ? assignedName(c) : quoted;
      if (!name) continue;
      if (flags.includes('i')) d.ints.add(name);
      if (flags.includes('A')) d.assoc.set(name, [...(d.assoc.get(name) ?? []), n]);
      if (flags.includes('n')) d.refs.add(name);
    }
  }
  // `builtin declare -i n`, `'declare' -i n`: the parser sees a plain command.
  for (const cmd of root.descendantsOfType('command')) {
    const ws = words(cmd);
    const i = effectiveStart(ws, ws.length);
    if (!DECLARERS.has(plain(ws[i]))) continue;
    const args = ws.slice(i + 1).map((w) => plain(w));
    const flags = args.filter((w) => /^[-+][A-Za-z]+$/.test(w)).join('');
    for (const a of args) {
      const name = /^([A-Za-z_][A-Za-z0-9_]*)(=|$)/.exec(a)?.[1];
      if (!name) continue;
      if (flags.includes('i')) d.ints.add(name);
      if (flags.includes('A')) d.assoc.set(name, [...(d.assoc.get(name) ?? []), cmd]);
      if (flags.includes('n')) d.refs.add(name);
    }
  }
  return d;
}

/** The function a node is in (its start), or -1 at the top level. */
function scopeOf(node: Node): number {
  for (let p = node.parent; p; p = p.parent) if (p.type === 'function_definition') return p.startIndex;
  return -1;
}

/**
 * Whether `name[…]` at `use` is a map with string keys: declared -A before it, in the same function
 * (or both at the top level), as a statement of its own (not in `a || declare -A m`). Otherwise the
 * subscript is arithmetic, and the value is held to an integer.
 */
function isMap(decl: Declared, name: string, use: Node): boolean {
  const scope = scopeOf(use);
  return (decl.assoc.get(name) ?? []).some((d) => {
    let statement = d;
    while (statement.parent && statement.parent.type === 'redirected_statement') statement = statement.parent;
    const holder = statement.parent?.type;
    const direct = holder === 'program' || (holder === 'compound_statement' && statement.parent?.parent?.type === 'function_definition');
    return direct && d.startIndex < use.startIndex && scopeOf(d) === scope;
  });
}

function declFlags(n: Node): string {
  return n.namedChildren.filter((c) => c.type === 'word' && /^[-+][A-Za-z]+$/.test(c.text)).map((c) => c.text.slice(1)).join('');
}

function assignedName(assignment: Node): string | undefined {
  const name = assignment.childForFieldName('name');
  if (!name) return undefined;
  return name.type === 'subscript' ? name.childForFieldName('name')?.text : name.text;
}

function same(a: Node | null | undefined, b: Node): boolean {
  return !!a && a.startIndex === b.startIndex && a.endIndex === b.endIndex && a.type === b.type;
}

const UNPARSED = 'in a part of the script wf could not parse as bash';
const integer = (where: string): Guard => ({ kind: 'integer', where });
const name = (where: string): Guard => ({ kind: 'name', where });

/**
 * Walks up from one reference to the command that holds it and decides. `child` is always the
 * node the walk came from, so a field (the index of a subscript, the body of a loop) can be told apart.
 */
function classify(ref: Node, decl: Declared): Guard | null {
  let child = ref;
  let testOp: string | undefined;
  for (let p = ref.parent; p; child = p, p = p.parent) {
    if (p.isError || p.isMissing) return integer(UNPARSED);
    switch (p.type) {
      case 'subscript':
        if (same(p.childForFieldName('index'), child)) {
          const array = p.childForFieldName('name')?.text ?? '';
          if (!isMap(decl, array, p)) return integer(`in the array subscript ${array}[…]`);
        }
        break;
      case 'arithmetic_expansion':
        return integer('in arithmetic $(( ))');
      case 'compound_statement':
        return p.firstChild?.type === '((' ? integer('in arithmetic (( ))') : null;
      case 'c_style_for_statement':
        return same(p.childForFieldName('body'), child) ? null : integer('in a for (( … )) header');
      case 'expansion': {
        // ${s:offset:length} is arithmetic; ${s:-word}, ${s/pat/rep} and the like are words.
        // `${!x:off}` and `${#x}` start with an operator of their own: the one that matters follows the name.
        const op = p.children.find((c) => !c.isNamed && !['${', '}', '!', '#'].includes(c.type));
        if (op?.type === ':' && op.startIndex < child.startIndex) return integer('in a substring offset ${s:offset:length}');
        // ${n:=word} assigns the word to n: arithmetic when n is declared -i.
        const target = p.namedChildren.find((c) => c.type === 'variable_name')?.text;
        if (op && /^:?=$/.test(op.type) && target && decl.ints.has(target) && op.startIndex < child.startIndex) {
          return integer(`assigned to ${target}, which is declared -i`);
        }
        break;
      }
      case 'binary_expression':
      case 'unary_expression':
        testOp ??= p.children.find((c) => c.type === 'test_operator' || (!c.isNamed && c.type.startsWith('-')))?.text;
        break;
      case 'test_command': {
        const double = p.firstChild?.type === '[[';
        if (testOp === '-v') return name(`tested with -v in ${double ? '[[ ]]' : '[ ]'}`);
        if (double && testOp && DOUBLE_TEST_ARITH.has(testOp)) return integer(`compared with ${testOp} in [[ ]]`);
        return null;
      }
      case 'variable_assignment': {
        const assigned = assignedName(p);
        const isValue = same(p.childForFieldName('value'), child);
        if (isValue && assigned && decl.ints.has(assigned)) {
          return integer(`assigned to ${assigned}, which is declared -i`);
        }
        if (isValue && assigned && (CODE_VARIABLES.has(assigned) || assigned.startsWith('BASH_FUNC_'))) {
          return integer(`assigned to ${assigned}, which bash runs as code`);
        }
        if (isValue && assigned && decl.refs.has(assigned)) return name(`assigned to ${assigned}, which is declared -n`);
        if (p.parent?.type === 'declaration_command') return declaration(p.parent, p, ref, decl);
        break;
      }
      case 'array': {
        const owner = p.parent?.type === 'variable_assignment' ? assignedName(p.parent) : undefined;
        // `a=([k]=v)`: the parser keeps the element as one word; `[k]` is a subscript.
        const element = textOf(child);
        const at = ref.startIndex - child.startIndex;
        if (element.startsWith('[') && element.indexOf(']=') > at && !(owner && isMap(decl, owner, p))) {
          return integer(`in the array subscript ${owner ?? ''}([…]=…)`);
        }
        if (owner && decl.ints.has(owner)) return integer(`an element of ${owner}, which is declared -i`);
        break;
      }
      case 'declaration_command':
        return declaration(p, child, ref, decl);
      case 'unset_command':
        return wordGuard(child, ref, 'given to unset');
      case 'command':
        if (child.type === 'herestring_redirect') return stdinOf([p], child, decl);
        return command(p, child, ref, decl);
      case 'redirected_statement': {
        // A heredoc or here-string fed to an interpreter (bash <<EOF, exec python3 <<EOF) is a script.
        const body = p.childForFieldName('body');
        if (same(body, child) || !body) break;
        return stdinOf(body.type === 'command' ? [body] : body.descendantsOfType('command'), child, decl);
      }
      case 'heredoc_body':
      case 'heredoc_redirect':
      case 'herestring_redirect':
        break; // decided at the redirected_statement above
      case 'for_statement': {
        const variable = p.childForFieldName('variable')?.text ?? '';
        if (same(p.childForFieldName('body'), child)) return null;
        if (decl.ints.has(variable)) return integer(`a value of ${variable}, which is declared -i`);
        if (decl.refs.has(variable)) return name(`a value of ${variable}, which is declared -n`);
        return null;
      }
      case 'file_redirect':
      case 'command_substitution':
      case 'process_substitution':
      case 'case_statement':
      case 'case_item':
        return null;
      default:
        break;
    }
  }
  return null;
}

/** An argument of a declaring builtin the parser saw as a plain command: `NAME=VALUE`, or a name. */
function declarerWord(before: Node[], word: Node, ref: Node, command: string, decl: Declared): Guard | null {
  // A flag from a variable (declare $f n=…) may be -i: held to the strictest.
  const flags = before.map((w) => plain(w)).filter((w) => /^[-+][A-Za-z]+$/.test(w)).join('') + (before.some((w) => dynamic(w)) ? 'i' : '');
  const text = word.tree.rootNode.text;
  const head = text.slice(word.startIndex, ref.startIndex).replace(/["'\\]/g, '');
  const eq = head.indexOf('=');
  if (eq < 0) return wordGuard(word, ref, `given to ${command}`);
  const assigned = head.slice(0, eq).replace(/\[.*$/, '');
  if (flags.includes('i') || decl.ints.has(assigned)) return integer(`in the value of ${command} -i`);
  if (flags.includes('n') || decl.refs.has(assigned)) return name(`in the value of ${command} -n`);
  if (CODE_VARIABLES.has(assigned) || assigned.startsWith('BASH_FUNC_')) return integer(`assigned to ${assigned}, which bash runs as code`);
  return null;
}

/**
 * A value printed by a command substitution that stands where bash evaluates (`a[$(echo X)]=1`,
 * `(( $(echo X) ))`): what the substitution prints is evaluated, so the value is held to an integer.
 */
function substitutedInto(ref: Node, decl: Declared): Guard | null {
  let inside = false;
  let child = ref;
  for (let p = ref.parent; p; child = p, p = p.parent) {
    if (p.type === 'command_substitution') inside = true;
    if (!inside) continue;
    if (p.type === 'subscript' && same(p.childForFieldName('index'), child) && !isMap(decl, p.childForFieldName('name')?.text ?? '', p)) {
      return integer('printed into an array subscript');
    }
    if (p.type === 'arithmetic_expansion' || (p.type === 'compound_statement' && p.firstChild?.type === '((')) return integer('printed into arithmetic');
    if (p.type === 'variable_assignment' && same(p.childForFieldName('value'), child) && decl.ints.has(assignedName(p) ?? '')) {
      return integer(`printed into ${assignedName(p)}, which is declared -i`);
    }
  }
  return null;
}

/** `declare`/`local`/`export`/`readonly`/`typeset`: names, and values (arithmetic with -i, names with -n). */
function declaration(decl: Node, child: Node, ref: Node, declared: Declared): Guard | null {
  const command = decl.firstChild?.text ?? 'declare';
  // A flag from a variable (declare $f n=…) may be -i: held to the strictest.
  const flags = declFlags(decl) + (decl.namedChildren.some((c) => c.startIndex < child.startIndex && /^\$/.test(c.text)) ? 'i' : '');
  if (child.type === 'variable_assignment') {
    const value = child.childForFieldName('value');
    if (value && ref.startIndex >= value.startIndex) {
      if (flags.includes('i')) return integer(`in the value of ${command} -i`);
      if (flags.includes('n')) return name(`in the value of ${command} -n`);
      const assigned = assignedName(child);
      if (assigned && declared.ints.has(assigned)) return integer(`assigned to ${assigned}, which is declared -i`);
      if (assigned && declared.refs.has(assigned)) return name(`assigned to ${assigned}, which is declared -n`);
      if (assigned && (CODE_VARIABLES.has(assigned) || assigned.startsWith('BASH_FUNC_'))) return integer(`assigned to ${assigned}, which bash runs as code`);
      return null;
    }
    return name(`a name given to ${command}`);
  }
  // A word such as "x=${X}" (quoted, so not parsed as an assignment): after the `=` it is the value.
  const before = textOf(child).slice(0, ref.startIndex - child.startIndex);
  if (before.includes('=')) {
    if (flags.includes('i')) return integer(`in the value of ${command} -i`);
    if (flags.includes('n')) return name(`in the value of ${command} -n`);
    return null;
  }
  return wordGuard(child, ref, `given to ${command}`);
}

/**
 * A value that is a whole word (or the part before `=` in `declare X=1`) is a name; anywhere else
 * in a word (`arr[X]`, `x_X`) it is held to an integer, since a subscript there is arithmetic.
 */
function wordGuard(word: Node, ref: Node, what: string): Guard {
  const text = word.tree.rootNode.text;
  const before = text.slice(word.startIndex, ref.startIndex).replace(/"/g, '');
  const after = text.slice(ref.endIndex, word.endIndex).replace(/"/g, '');
  return before === '' && (after === '' || /^\+?=/.test(after)) ? name(`a name ${what}`) : integer(`in a subscript or part of a name ${what}`);
}

function textOf(node: Node): string {
  return node.text;
}

/** The command name and arguments of a simple command, in order (not prefix assignments or redirects). */
function words(cmd: Node): Node[] {
  return cmd.children.filter((c, i) => c.type === 'command_name' || cmd.fieldNameForChild(i) === 'argument');
}

function baseName(word: string | undefined): string {
  return (word ?? '').replace(/^.*\//, '');
}

/** A word as bash reads its command name: quotes and a leading backslash removed (`"eval"`, `\\let`). */
function plain(word: Node | undefined): string {
  return (word?.text ?? '').replace(/^\\/, '').replace(/^(['"])(.*)\1$/, '$2');
}

/** Whether a word is an expansion whose command is unknown until run time (`"$SHELL"`, `$sh`). */
function dynamic(word: Node | undefined): boolean {
  return !!word && /\$/.test(word.text);
}

/** Where the command proper starts, after wrappers and their options (`command -p`, `timeout -s 9 5`, `env X=1`). */
function effectiveStart(ws: Node[], limit: number): number {
  let i = 0;
  while (i < limit) {
    const takes = WRAPPERS[plain(ws[i])];
    if (!takes) break;
    const wrapper = plain(ws[i]);
    i++;
    while (i < limit) {
      const w = plain(ws[i]);
      if (w === '--') {
        i++;
        break;
      }
      if (/^-/.test(w)) {
        i += takes.has(w) ? 2 : 1;
        continue;
      }
      if (wrapper === 'env' && /^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) {
        i++;
        continue;
      }
      if (wrapper === 'timeout' && /^\d/.test(w)) i++; // the duration
      break;
    }
  }
  return i;
}

/**
 * `bash -c CODE`, `bash -o pipefail -c CODE`, `python3 -W x -c CODE`, `node --eval CODE`, attached
 * `python3 -c"CODE"`, and `"$SHELL" -c CODE`: whether the word at `at` is the code. Words after the
 * code are its positional parameters ($0, $1): data, the safe way to pass a value.
 */
function codeArgument(ws: Node[], at: number, refAt: number): string | null {
  for (let s = 0; s < at; s++) {
    const flags = INTERPRETERS[baseName(plain(ws[s]))] ?? (s === 0 && dynamic(ws[s]) ? 'ce' : undefined);
    if (flags === undefined) continue;
    // The last code flag before the value (flock FILE -c CODE has a word before it), then its options.
    let flagAt = -1;
    for (let k = s + 1; k < at; k++) {
      const w = plain(ws[k]);
      if (LONG_CODE_FLAGS.has(w) || /^--split-string$/.test(w) || (/^[-+][A-Za-z]+$/.test(w) && [...w.slice(1)].some((f) => flags.includes(f)))) flagAt = k;
    }
    if (flagAt >= 0) {
      let k = flagAt + 1;
      for (; k < at; k++) {
        const w = plain(ws[k]);
        if (w === '--') {
          k++;
          break;
        }
        if (OPTION_WITH_ARG.has(w)) {
          k++;
          continue;
        }
        if (/^[-+]/.test(w)) continue;
        break;
      }
      if (k === at) return `in the code given to ${plain(ws[s])}`;
    }
    // Attached: -c"CODE", -eCODE.
    const word = plain(ws[at]);
    if (new RegExp(`^-[A-Za-z]*[${flags}]`).test(word) && refAt > ws[at]!.startIndex + 2) return `in the code given to ${plain(ws[s])}`;
  }
  return null;
}

/** A heredoc or here-string (`child`) feeding these commands: code when one of them runs its input. */
function stdinOf(commands: Node[], child: Node, decl: Declared): Guard | null {
  for (const cmd of commands) {
    const ws = words(cmd);
    const i = effectiveStart(ws, ws.length);
    const name0 = plain(ws[i]);
    const runner = ws.slice(i).map((w) => baseName(plain(w))).find((w) => STDIN_RUNNERS.has(w));
    if (runner || dynamic(ws[i])) return integer(`in a heredoc or here-string given to ${runner ?? ws[i]!.text}`);
    // read n <<< X assigns to n: arithmetic when the script has integer variables, a name for namerefs.
    if (child.type === 'herestring_redirect' && NAME_TAKERS.has(name0) && name0 !== 'unset' && (decl.ints.size > 0 || decl.refs.size > 0)) {
      return integer(`read by ${name0} into a variable that may be declared -i or -n`);
    }
  }
  return null;
}

/** A simple command: which argument holds the value, and what the command does with it. */
function command(cmd: Node, child: Node, ref: Node, decl: Declared): Guard | null {
  const ws = words(cmd);
  const at = ws.findIndex((w) => same(w, child));
  if (at <= 0) return null; // the command name itself, or a prefix assignment `X=v cmd`
  const code = codeArgument(ws, at, ref.startIndex);
  if (code) return integer(code);
  if (/^BASH_FUNC_/.test(plain(child))) return integer('in an exported function (BASH_FUNC_…), which bash runs as code');
  const first = effectiveStart(ws, at);
  if (first >= at) return null;
  const name0 = plain(ws[first]);
  if (CODE_RUNNERS.has(name0)) return integer(name0 === 'let' ? 'in the arguments of let' : `in code run by ${name0}`);
  const prev = plain(ws[at - 1]);
  if (NAME_TAKERS.has(name0)) {
    if (prev === '-C') return integer(`in the callback given to ${name0} -C`);
    if (name0 !== 'unset' && OPTION_VALUE.test(prev)) return null;
    return wordGuard(child, ref, `given to ${name0}`);
  }
  if (name0 === 'printf') {
    if (prev === '-v') return wordGuard(child, ref, 'given to printf -v');
    if (/^-v./.test(plain(child))) return integer('in a name given to printf -v');
    const target = ws.findIndex((w, i) => i > first && plain(w) === '-v');
    if (target > 0 && (decl.ints.has(plain(ws[target + 1])) || decl.refs.has(plain(ws[target + 1])))) return integer(`printed into ${plain(ws[target + 1])}, which is declared -i or -n`);
  }
  if (DECLARERS.has(name0)) return declarerWord(ws.slice(first + 1, at), child, ref, name0, decl);
  if ((name0 === 'test' || name0 === '[') && prev === '-v') return name(`tested with -v in ${name0}`);
  if (name0 === 'wait' && prev === '-p') return wordGuard(child, ref, 'given to wait -p');
  if (name0 === 'compgen' && (prev === '-W' || prev === '-C' || prev === '-F')) return integer(`in the word list or command given to compgen ${prev}`);
  return null;
}
