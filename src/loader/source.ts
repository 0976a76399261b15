import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
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
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
    for (const e of this.doc.errors) {
      this.errors.push(
        new WfError('E_YAML', e.message.split('\n')[0]!, {
          loc: this.locAt(e.pos[0], Math.max(1, e.pos[1] - e.pos[0])),
          hint: yamlHint(e.code),
        }),
      );
    }
  }

  /** Position of a byte offset (1-based line and col). */
  locAt(offset: number, length = 1): SourceLoc {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, col, length };
  }

  /** The node at `path`, or the closest existing ancestor's. */
  nodeAt(path: YamlPath): Node | undefined {
    for (let n = path.length; n >= 0; n--) {
      const node = this.doc.getIn(path.slice(0, n), true) as Node | undefined;
      if (node && typeof node === 'object' && 'range' in node && node.range) return node;
      if (n === 0) return this.doc.contents ?? undefined;
    }
    return undefined;
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
    const parent = this.doc.getIn(path.slice(0, -1), true);
    const key = path[path.length - 1];
    if (isMap(parent)) {
      for (const pair of parent.items) {
        const k = pair.key;
        if (isScalar(k) && String(k.value) === String(key) && k.range) {
          return this.locAt(k.range[0], Math.max(1, k.range[1] - k.range[0]));
        }
      }
    }
    if (isSeq(parent) && typeof key === 'number') return this.loc(path);
    return this.loc(path);
  }

  /** The plain JS value of the document. */
  toJS(): unknown {
    return this.doc.toJS({ maxAliasCount: 1000 });
  }
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
