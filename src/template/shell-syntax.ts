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
  bash: 'c', sh: 'c', dash: 'c', zsh: 'c', ksh: 'c', mksh: 'c', ash: 'c', su: 'c',
  python: 'c', python3: 'c', node: 'ep', perl: 'eE', ruby: 'e',
};
/** Builtins that take variable names: a value there is a name, and `a[…]` in it is arithmetic. */
const NAME_TAKERS = new Set(['read', 'mapfile', 'readarray', 'unset', 'getopts']);
/** Their options that take a value of their own (read -p PROMPT): data, except a callback (-C). */
const OPTION_VALUE = /^-[dinNptuOsc]$/;
/** Builtins that run their arguments as shell code, now or later. */
const CODE_RUNNERS = new Set(['eval', 'trap', 'alias', 'let']);
/** Words that run the command after them: `command eval …`, `time read …`. */
const WRAPPERS = new Set(['command', 'builtin', 'time', 'nohup', 'exec']);
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
    const guard = classify(parent, decl);
    // One expression appears once; the strictest verdict wins if the text repeats a reference.
    if (guard && (!guards[i] || guard.kind === 'integer')) guards[i] = guard;
  }
  // A reference not found as an expansion is in a comment, unless the parser lost its way (two
  // heredocs on one line, say): then no verdict is safe, and the value is held to an integer.
  if (tree.rootNode.hasError) {
    for (let i = 0; i < count; i++) if (!seen.has(i)) guards[i] ??= integer(UNPARSED);
  }
  return guards;
}

interface Declared {
  ints: Set<string>;
  assoc: Set<string>;
}

/** Names declared anywhere with -i (integers: assignments are arithmetic) or -A (string subscripts). */
function declaredTypes(root: Node): Declared {
  const d: Declared = { ints: new Set(), assoc: new Set() };
  for (const n of root.descendantsOfType('declaration_command')) {
    const flags = declFlags(n);
    for (const c of n.namedChildren) {
      const name = c.type === 'variable_name' ? c.text : c.type === 'variable_assignment' ? assignedName(c) : undefined;
      if (!name) continue;
      if (flags.includes('i')) d.ints.add(name);
      if (flags.includes('A')) d.assoc.add(name);
    }
  }
  return d;
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
          if (!decl.assoc.has(array)) return integer(`in the array subscript ${array}[…]`);
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
        const op = p.children.find((c) => !c.isNamed && c.type !== '${' && c.type !== '}');
        if (op?.type === ':' && op.startIndex < child.startIndex) return integer('in a substring offset ${s:offset:length}');
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
        if (same(p.childForFieldName('value'), child) && assigned && decl.ints.has(assigned)) {
          return integer(`assigned to ${assigned}, which is declared -i`);
        }
        if (p.parent?.type === 'declaration_command') return declaration(p.parent, p, ref, decl);
        break;
      }
      case 'array': {
        const owner = p.parent?.type === 'variable_assignment' ? assignedName(p.parent) : undefined;
        // `a=([k]=v)`: the parser keeps the element as one word; `[k]` is a subscript.
        const element = textOf(child);
        const at = ref.startIndex - child.startIndex;
        if (element.startsWith('[') && element.indexOf(']=') > at && !(owner && decl.assoc.has(owner))) {
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
        return command(p, child, ref);
      case 'redirected_statement': {
        // A heredoc or here-string fed to an interpreter (bash <<EOF, python3 <<EOF) is a script.
        const body = p.childForFieldName('body');
        const interpreter = body?.type === 'command' ? baseName(words(body)[0]?.text) : '';
        if (!same(body, child) && interpreter in INTERPRETERS) return integer(`in a heredoc or here-string given to ${interpreter}`);
        if (!same(body, child)) return null;
        break;
      }
      case 'heredoc_body':
      case 'heredoc_redirect':
      case 'herestring_redirect':
        break; // decided at the redirected_statement above
      case 'file_redirect':
      case 'command_substitution':
      case 'process_substitution':
      case 'for_statement':
      case 'case_statement':
      case 'case_item':
        return null;
      default:
        break;
    }
  }
  return null;
}

/** `declare`/`local`/`export`/`readonly`/`typeset`: names, and values (arithmetic with -i, names with -n). */
function declaration(decl: Node, child: Node, ref: Node, declared: Declared): Guard | null {
  const command = decl.firstChild?.text ?? 'declare';
  const flags = declFlags(decl);
  if (child.type === 'variable_assignment') {
    const value = child.childForFieldName('value');
    if (value && ref.startIndex >= value.startIndex) {
      if (flags.includes('i')) return integer(`in the value of ${command} -i`);
      if (flags.includes('n')) return name(`in the value of ${command} -n`);
      const assigned = assignedName(child);
      if (assigned && declared.ints.has(assigned)) return integer(`assigned to ${assigned}, which is declared -i`);
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

/** A simple command: which argument holds the value, and what the command does with it. */
function command(cmd: Node, child: Node, ref: Node): Guard | null {
  const ws = words(cmd);
  const at = ws.findIndex((w) => same(w, child));
  if (at <= 0) return null; // the command name itself, or a prefix assignment `X=v cmd`
  // bash -c CODE, sudo -u x sh -ec CODE, node -e CODE: the first word after such a flag is a script.
  for (let s = 0; s < at; s++) {
    const flags = INTERPRETERS[baseName(ws[s]!.text)];
    if (flags === undefined) continue;
    let k = s + 1;
    let code = false;
    for (; k < at && /^-[A-Za-z]+$/.test(ws[k]!.text); k++) code ||= [...ws[k]!.text.slice(1)].some((f) => flags.includes(f));
    if (code && k === at) return integer(`in the code given to ${ws[s]!.text} ${ws[k - 1]!.text}`);
  }
  let first = 0;
  while (first < at && WRAPPERS.has(ws[first]!.text)) first++;
  const name0 = ws[first]?.text ?? '';
  if (first >= at) return null;
  if (CODE_RUNNERS.has(name0)) return integer(name0 === 'let' ? 'in the arguments of let' : `in code run by ${name0}`);
  const prev = ws[at - 1]!.text;
  if (NAME_TAKERS.has(name0)) {
    if (prev === '-C') return integer(`in the callback given to ${name0} -C`);
    if (name0 !== 'unset' && OPTION_VALUE.test(prev)) return null;
    return wordGuard(child, ref, `given to ${name0}`);
  }
  if (name0 === 'printf' && prev === '-v') return wordGuard(child, ref, 'given to printf -v');
  return null;
}
