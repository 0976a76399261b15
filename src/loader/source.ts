import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import { WfError, type SourceLoc } from '../errors/index.js';

export type YamlPath = ReadonlyArray<string | number>;

/** One parsed conf file: its YAML document plus what it takes to point at any node in it. */
export class SourceFile {
  readonly errors: WfError[] = [];
  readonly doc: Document.Parsed;
  private readonly lines: LineCounter;

  constructor(
    readonly file: string,
    readonly text: string,
  ) {
    this.lines = new LineCounter();
    // The yaml library's own duplicate-key check compares every pair of keys (100k keys: minutes);
    // duplicates are found below with one set per map instead.
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: false });
    if (this.doc.errors.length === 0) this.findDuplicateKeys();
    // One syntax mistake makes the parser report a cascade; the first error is the one to fix.
    for (const e of this.doc.errors.slice(0, 1)) {
      // An error found at the end of the input (an unclosed bracket or quote) points at the last
      // written character rather than at an empty line past it.
      const start = Math.min(e.pos[0], lastContentOffset(text));
      const tooDeep = /call stack/i.test(e.message);
      this.errors.push(
        new WfError('E_YAML', tooDeep ? 'the YAML is nested too deeply to read (thousands of levels)' : e.message.split('\n')[0]!, {
          loc: this.locAt(start, Math.max(1, Math.min(e.pos[1], text.length) - start)),
          hint: tooDeep ? 'a conf file nests a few levels (pipeline, jobs, stages…); flatten the data, or load it from a file in a stage' : (unquotedExpression(text, start) ?? yamlHint(e.code)),
        }),
      );
    }
  }

  private findDuplicateKeys(): void {
    visit(this.doc, {
      Map: (_key, node) => {
        const seen = new Set<string>();
        for (const pair of node.items) {
          const at = (n: { range?: [number, number, number] | null } | null | undefined) =>
            n?.range ? this.locAt(n.range[0], Math.max(1, n.range[1] - n.range[0])) : this.loc([]);
          if (!isScalar(pair.key)) {
            // `? [a, b]: x`: JavaScript objects have text keys only; the yaml library would warn on stderr.
            this.errors.push(new WfError('E_YAML', 'a key must be a plain value, not a list or a map', { loc: at(pair.key as never), hint: 'write the key as text' }));
            return visit.BREAK;
          }
          const k = String(pair.key.value);
          if (RESERVED_KEYS.has(k)) {
            this.errors.push(new WfError('E_YAML', `'${k}' cannot be a name here: it is a property every JavaScript object has`, { loc: at(pair.key), hint: `rename it (e.g. ${k.replace(/_/g, '')}_)` }));
            return visit.BREAK;
          }
          if (!seen.has(k)) {
            seen.add(k);
            continue;
          }
          const range = pair.key.range;
          this.errors.push(new WfError('E_YAML', `Map keys must be unique: '${k}' is written twice in one map`, {
            loc: range ? this.locAt(range[0], Math.max(1, range[1] - range[0])) : this.loc([]),
            hint: 'remove or rename one of them (YAML keeps only one)',
          }));
          if (this.errors.length >= 1) return visit.BREAK;
        }
        return undefined;
      },
    });
  }

  /** Position of a byte offset (1-based line and col). */
  locAt(offset: number, length = 1): SourceLoc {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, col, length };
  }

  /** The node at `path`, or the closest existing ancestor's. */
  nodeAt(path: YamlPath): Node | undefined {
    let found = (this.doc.contents ?? undefined) as Node | undefined;
    let node: unknown = found;
    for (const step of path) {
      node = child(node, step);
      if (!node || typeof node !== 'object' || !('range' in node) || !node.range) break;
      found = node as Node;
    }
    return found;
  }

  /** Where the value at `path` starts (falls back to the closest ancestor). */
  loc(path: YamlPath): SourceLoc {
    const node = this.nodeAt(path);
    if (!node?.range) return { file: this.file, line: 1, col: 1 };
    const [start, valueEnd] = node.range;
    const firstLineEnd = this.text.indexOf('\n', start);
    const end = Math.min(valueEnd, firstLineEnd === -1 ? valueEnd : firstLineEnd);
    return this.locAt(start, Math.max(1, end - start));
  }

  /** Where the key `path[last]` is written (for unknown-key errors); falls back to `loc`. */
  keyLoc(path: YamlPath): SourceLoc {
    let parent: unknown = this.doc.contents;
    for (const step of path.slice(0, -1)) parent = child(parent, step);
    const key = path[path.length - 1];
    const k = isMap(parent) ? parent.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key))?.key : undefined;
    if (isScalar(k) && k.range) return this.locAt(k.range[0], Math.max(1, k.range[1] - k.range[0]));
    return this.loc(path);
  }

  /**
   * The plain JS value of the document, or an E_YAML error when it cannot be built
   * (an alias to an anchor that does not exist, or aliases that expand beyond reason).
   */
  toJS(): { value: unknown } | { error: WfError } {
    try {
      return { value: this.doc.toJS({ maxAliasCount: 1000 }) };
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      let loc = this.loc([]);
      visit(this.doc, {
        Alias: (_key, node) => {
          if (node.range && !node.resolve(this.doc)) {
            loc = this.locAt(node.range[0], Math.max(1, node.range[1] - node.range[0]));
            return visit.BREAK;
          }
          return undefined;
        },
      });
      const unresolved = /unresolved alias/i.test(message);
      return {
        error: new WfError('E_YAML', unresolved ? message : `too many aliases: ${message}`, {
          loc,
          hint: unresolved ? 'define the anchor (&name) before the alias (*name) that refers to it' : 'expand the data by hand or use fewer nested aliases',
        }),
      };
    }
  }
}

/** Names that would reach Object.prototype (and silently vanish or misbehave) if used as keys. */
const RESERVED_KEYS = new Set(Object.getOwnPropertyNames(Object.prototype));

/** The child of a YAML node at one path step; map keys match by their string form, as in the JS value. */
// Each map's keys are indexed once: a location lookup per job of a 10,000-job map stays linear.
const keyIndex = new WeakMap<object, Map<string, unknown>>();

function child(node: unknown, step: string | number): unknown {
  if (isMap(node)) {
    let index = keyIndex.get(node);
    if (!index) {
      index = new Map();
      for (const p of node.items) if (isScalar(p.key) && !index.has(String(p.key.value))) index.set(String(p.key.value), p.value);
      keyIndex.set(node, index);
    }
    return index.get(String(step));
  }
  if (isSeq(node) && typeof step === 'number') return node.items[step];
  return undefined;
}

/** Offset of the last non-blank character (0 for a blank text). */
function lastContentOffset(text: string): number {
  const m = /\S\s*$/.exec(text);
  return m ? m.index : 0;
}

/** `{run: echo ${{ x }}}`: in a flow map or list an expression's braces must be quoted. */
function unquotedExpression(text: string, offset: number): string | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const lineEnd = text.indexOf('\n', offset);
  const line = text.slice(lineStart, lineEnd === -1 ? undefined : lineEnd);
  if (/[{[].*\$\{\{/.test(line) || /:\s+\$\{\{/.test(line)) {
    return 'quote values that hold ${{ … }}: "${{ params.x }}" (inside { } or [ ], and at the start of a value, YAML reads { as a map)';
  }
  return undefined;
}

function yamlHint(code: string): string | undefined {
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'each key may appear once in a map; remove or rename one of them';
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
      return 'check the indentation: nested keys need more spaces than their parent, and list items a "- "';
    case 'TAB_AS_INDENT':
      return 'YAML does not allow tabs for indentation; use spaces';
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY':
      return 'a key must fit on one line; is a ":" missing or a value not quoted?';
    case 'MULTIPLE_DOCS':
      return 'a conf file holds one YAML map of templates; remove the "---" separators';
    default:
      return 'quote values that contain ": " or start with special characters ({ [ * & ! | > % @ `)';
  }
}
