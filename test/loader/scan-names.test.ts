import fc from 'fast-check';
import { isMap, isScalar, LineCounter, parseDocument, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { scanNames } from '../../src/loader/index.js';
import { inspectFiles } from '../helpers/load-conf.js';

/** Top-level names as a full YAML parse sees them (what the loader falls back to). */
function parsedNames(text: string): Array<{ name: string; line: number }> | 'error' {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false });
  if (doc.errors.length > 0) return 'error';
  if (!isMap(doc.contents)) return [];
  return doc.contents.items.map((p) => {
    const key = p.key as { value?: unknown; range: [number, number, number] };
    return { name: String(isScalar(key) ? key.value : key), line: lines.linePos(key.range[0]).line };
  });
}

describe('the cheap top-level name scan', () => {
  it('reads block-style files: plain, double- and single-quoted keys, comments, blank lines, CRLF', () => {
    const text = '# header\n\nplain:\n  type: Pipeline\n"double quoted":\n  x: 1\n\'it\'\'s\':  # trailing comment\n  x: 2\nspaced key  :\n  x: 3\r\ncrlf:\r\n  x: 4\r\n';
    expect(scanNames(text)).toEqual([
      { name: 'plain', line: 3 },
      { name: 'double quoted', line: 5 },
      { name: "it's", line: 7 },
      { name: 'spaced key', line: 9 },
      { name: 'crlf', line: 11 },
    ]);
    expect(scanNames(text)).toEqual(parsedNames(text));
  });

  it.each([
    ['flow style', '{a: {type: Pipeline}}\n'],
    ['a document marker', '---\na: 1\n'],
    ['an anchor on a key', '&x a: 1\n'],
    ['an escaped double-quoted key', '"a\\"b": 1\n'],
    ['a list', '- a\n'],
    ['a number key spelled differently from its value', '1.0:\n  type: Pipeline\n'],
    ['a hex key', '0x1F: 1\n'],
    ['a bool key in capitals', 'TRUE: 1\n'],
    ['a key with no space after the colon', 'a:b\n'],
  ])('gives up on %s (the loader then parses the file)', (_what, text) => {
    expect(scanNames(text)).toBeNull();
  });

  it('agrees with a full parse whenever it answers (generated maps, comments and quoting)', () => {
    let answered = 0;
    const key = fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom('a-b', 'x_1', "it's", 'with space', 'a: b', '#x', 'true', '12', '1.5', 'null', '~', '-x', 'é'));
    fc.assert(
      fc.property(fc.uniqueArray(key, { minLength: 1, maxLength: 6 }), fc.boolean(), (keys, comments) => {
        const body = Object.fromEntries(keys.map((k, i) => [k, { type: 'Pipeline', n: i }]));
        let text = stringify(body);
        if (comments) text = `# top\n${text.split('\n').join('\n# between\n')}`;
        const scanned = scanNames(text);
        const parsed = parsedNames(text);
        if (scanned !== null && parsed !== 'error') {
          answered++;
          expect(scanned).toEqual(parsed);
        }
      }),
      { numRuns: 300 },
    );
    expect(answered).toBeGreaterThan(30); // the property is not vacuous
  });

  it('a flow-style file, quoted keys and comments load the same templates as plain block style', () => {
    const { project, errors } = inspectFiles({
      'conf/flow.yml': '{flowed: {type: Pipeline, jobs: {a: {stages: [{echo: hi}]}}}}\n',
      'conf/quoted.yml': '# comment\n"quoted-name":  # why not\n  type: Pipeline\n  jobs: {a: {stages: [{echo: hi}]}}\n\'single\':\n  type: On\n  cron: "@daily"\n',
      'conf/numeric.yml': '2024:\n  type: Pipeline\n  jobs: {a: {stages: [{echo: hi}]}}\n',
    });
    expect(errors).toEqual([]);
    expect([...project.pipelines.keys()].sort()).toEqual(['2024', 'flowed', 'quoted-name']);
    expect([...project.ons.keys()]).toEqual(['single']);
    expect(project.names.get('quoted-name')![0]!.line).toBe(2);
  });
});
