import type { CompiledTemplate } from './ast.js';

/**
 * Commands and positions where bash evaluates text as code, or takes it as a name: arithmetic
 * (`((…))`, `$((…))`, `$[…]`, `let`, `[[ … -eq … ]]`, an array subscript, a value assigned to a
 * `declare -i` variable or array), names given to builtins (declare, local, export, readonly,
 * unset, read, mapfile, printf -v), `eval`, `trap`, `source`, `bash -c`. The hand-written scanner
 * refuses some of these outright; for every one a value there must be a plain integer or a plain
 * identifier (checked before the stage starts). Comments and heredoc bodies are text.
 */
const ALWAYS: RegExp[] = [
  /\(\(/,
  /\$\[/,
  /(^|[\s;({!&|])let\s/,
  /\[\[[^\]]*-(eq|ne|lt|le|gt|ge)\b/,
  /(^|[\s;({!&|]|\b(then|do|else)\s)(unset|read|mapfile|readarray|eval|trap|source|\.)\s/,
  /(^|[\s;({!&|])printf\s+(-\S+\s+)*-v/,
  /(^|[\s;({!&|])(bash|sh|dash|zsh|ksh|env)\s+(-\S+\s+)*-c\b/,
];
/** Builtins that take names: a value is data after `name=`, a name anywhere else; with -i, arithmetic. */
const DECLARE = /(^|[\s;({!&|]|\b(then|do|else)\s)(declare|typeset|local|export|readonly)\s/;
const INT_FLAG = /(declare|typeset|local|readonly|export)\s+((-\S+\s+)*)-[A-Za-z]*i/;

const MARK = (i: number) => `\u0000${i}\u0000`;
const MARKS = /\u0000(\d+)\u0000/g;

/** Indexes of the expressions of a script template that stand in such a position. */
export function guardedPositions(t: CompiledTemplate): Set<number> {
  let text = '';
  let n = 0;
  for (const part of t.parts) text += typeof part === 'string' ? part : MARK(n++);
  const guarded = new Set<number>();
  // Variables declared as integers: an assignment to them is arithmetic.
  const ints = new Set<string>();
  for (const m of text.matchAll(/\b(?:declare|typeset|local|readonly|export)\s+(?:-\S+\s+)*-[A-Za-z]*i[A-Za-z]*\s+((?:[A-Za-z_]\w*(?:=[^\s;&|]*)?[ \t]*)+)/g)) {
    for (const w of m[1]!.split(/\s+/)) if (w) ints.add(w.split('=')[0]!);
  }
  let heredoc: { end: string; strip: boolean } | null = null;
  for (const rawLine of text.split('\n')) {
    if (heredoc) {
      if ((heredoc.strip ? rawLine.replace(/^\t+/, '') : rawLine) === heredoc.end) heredoc = null;
      continue; // a heredoc body is text (the scanner quotes what it holds)
    }
    const line = stripComment(rawLine);
    heredoc = heredocStart(line);
    for (const segment of line.split(/;|&&|\|\||\|/)) {
      const marks = [...segment.matchAll(MARKS)].map((m) => Number(m[1]));
      if (marks.length === 0) continue;
      const plain = segment.replace(MARKS, 'X');
      const always = ALWAYS.some((re) => re.test(plain));
      const declare = DECLARE.test(plain);
      const intDeclare = declare && INT_FLAG.test(plain);
      for (const i of marks) {
        const at = segment.indexOf(MARK(i));
        const before = segment.slice(0, at);
        const assigned = /([A-Za-z_]\w*)(\[[^\]]*\])?\+?=$/.exec(before)?.[1];
        const inSubscript = /[A-Za-z0-9_]\[[^\]]*$/.test(before);
        const inArray = /([A-Za-z_]\w*)=\(([^)]*)$/.exec(before)?.[1];
        if (
          always ||
          inSubscript ||
          (declare && (intDeclare || assigned === undefined)) ||
          (assigned !== undefined && ints.has(assigned)) ||
          (inArray !== undefined && ints.has(inArray))
        ) guarded.add(i);
      }
    }
  }
  return guarded;
}

/** `# …` to the end of the line, outside quotes, is a comment. */
function stripComment(line: string): string {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = '';
      else if (c === '\\' && quote === '"') i++;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '\\') i++;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i);
  }
  return line;
}

/** A heredoc starts on this line (`<<EOF`, `<<-'EOF'`), unless the `<<` is a shift inside `[…]` or `((…))`. */
function heredocStart(line: string): { end: string; strip: boolean } | null {
  for (const m of line.matchAll(/<<(-?)\s*(['"]?)([A-Za-z_][\w.-]*)\2/g)) {
    const before = line.slice(0, m.index);
    if (line[m.index + 2] === '<') continue; // <<< here-string
    const openBrackets = (before.match(/\[/g)?.length ?? 0) - (before.match(/\]/g)?.length ?? 0);
    const openArith = (before.match(/\(\(/g)?.length ?? 0) - (before.match(/\)\)/g)?.length ?? 0);
    if (openBrackets > 0 || openArith > 0 || /\d$/.test(before)) continue;
    return { end: m[3]!, strip: m[1] === '-' };
  }
  return null;
}

/** The values allowed where bash evaluates text: an integer or an identifier, nothing else. */
export function safeForCode(value: string): boolean {
  return /^[-+]?[0-9]+$/.test(value) || /^[A-Za-z_][A-Za-z0-9_]*$/.test(value);
}
