#!/usr/bin/env node
// The bash parser behind the run-time guards (tree-sitter-bash, native): the cost of loading it and
// of finding the guards of one script. Paid once per script at load time; the compiled-model cache
// keeps the result, so a warm `wf run` never loads the parser.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO, requireDist } from './lib.mjs';

requireDist();
const script = [
  'set -e',
  'for f in *.csv; do',
  '  n=$(wc -l < "$f")',
  '  if (( n > ${{ params.min }} )); then echo "${{ params.name }} $f"; fi',
  'done',
  'declare -i total=${{ params.total }}',
  'cat <<EOF',
  '${{ params.note }}',
  'EOF',
].join('\n');

const t0 = performance.now();
const { scriptGuards } = await import(pathToFileURL(join(REPO, 'dist/template/index.js')).href);
const t1 = performance.now();
scriptGuards(script);
const t2 = performance.now();
const N = 2000;
for (let i = 0; i < N; i++) scriptGuards(`${script}\n# ${i}`);
const t3 = performance.now();
console.log(`template module import: ${(t1 - t0).toFixed(1)} ms`);
console.log(`first script (loads tree-sitter and the bash grammar): ${(t2 - t1).toFixed(1)} ms`);
console.log(`each further script (${script.split('\n').length} lines, 4 expressions): ${(((t3 - t2) / N) * 1000).toFixed(0)} µs`);
