// How ddeutil-workflow's own templates (test/fixtures/ddeutil) fare under `wf validate`, each file in a
// conf/ of its own: templates that pass, and every message given (for reading by eye). `--import`
// first rewrites each file with `wf import ddeutil` and validates the result instead.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseDocument } from 'yaml';
import { REPO, requireDist, tempDir } from './lib.mjs';

requireDist();
const { validate } = await import(join(REPO, 'dist/api/index.js'));
const useImport = process.argv.includes('--import');
const verbose = process.argv.includes('--verbose');
const importer = useImport ? await import(join(REPO, 'dist/migrate/import-ddeutil.js')) : null;
const FIXTURES = join(REPO, 'test/fixtures/ddeutil');

function yamlFiles(dir) {
  return readdirSync(dir).sort().flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(n) ? [p] : [];
  });
}

/** Template names and line ranges; the single-template form (top-level `name:`) is one template. */
function templatesOf(text) {
  const doc = parseDocument(text);
  const map = doc.contents;
  if (!map || !map.items) return [];
  const keys = map.items.map((p) => String(p.key.value));
  if (keys.includes('name') && keys.includes('jobs')) return [{ name: String(doc.get('name')), from: 0, to: Infinity }];
  const lines = map.items.map((p) => text.slice(0, p.key.range[0]).split('\n').length);
  return keys.map((name, i) => ({ name, from: lines[i], to: (lines[i + 1] ?? Infinity) - 1 }));
}

/** The conf folders as ddeutil-workflow used them: its tests' conf/ and its docs' examples as one each, inline test files alone. */
const groups = [
  ['docs-examples', yamlFiles(join(FIXTURES, 'docs-examples'))],
  ['tests-conf', yamlFiles(join(FIXTURES, 'tests-conf'))],
  ...yamlFiles(join(FIXTURES, 'tests-inline')).map((f) => [relative(FIXTURES, f), [f]]),
];

let total = 0;
let passed = 0;
for (const [, files] of groups) {
  const root = tempDir();
  mkdirSync(join(root, 'conf'));
  mkdirSync(join(root, 'hooks'));
  const texts = new Map();
  for (const file of files) {
    const rel = relative(FIXTURES, file);
    let text = readFileSync(file, 'utf8');
    if (importer) text = importer.importDdeutil({ file: rel, text }).text;
    const target = join(root, 'conf', rel.replace(/\//g, '__'));
    writeFileSync(target, text);
    texts.set(rel, { text, target });
  }
  const result = await validate({ conf: join(root, 'conf'), registry: [join(root, 'hooks')], state: join(root, '.wf') });
  for (const [rel, { text, target }] of texts) {
    for (const t of templatesOf(text)) {
      total++;
      const mine = result.errors.filter((e) => (e.loc?.file === target || e.loc?.file?.endsWith(target.split('/').pop())) && e.loc.line >= t.from && e.loc.line <= t.to);
      if (mine.length === 0) passed++;
      if (verbose || mine.length > 0) {
        console.log(`${mine.length === 0 ? 'PASS' : 'FAIL'} ${rel} ${t.name}`);
        for (const e of mine) console.log(`     ${e.loc?.line ?? '?'}:${e.loc?.col ?? '?'} ${e.code} ${e.message}${e.hint ? `  [hint: ${e.hint.split('\n')[0]}]` : ''}`);
      }
    }
  }
}
console.log(`ddeutil templates${useImport ? ' after wf import ddeutil' : ''}: ${passed} of ${total} pass wf validate`);
