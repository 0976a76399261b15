#!/usr/bin/env node
// 10,000 no-op hook stages over 100 jobs (100 jobs × 100 `uses:` stages), store included:
// stages/s = 10,000 / wall time of the whole `wf run`. Once with a `.mjs` hook, once with a `.ts`
// hook (run through tsx, no build step). Afterwards the store is read (readonly) to prove every
// stage was recorded. Target for the whole run: ≥ 10,000 stages/s (issue 2), median. Issue 10's
// target, ≥ 16,000 stages/s, is wf's cost per hook stage, measured like bench/overhead.mjs measures it
// per echo job: the 10,000-stage run minus a run of one hook stage (start-up, worker threads and
// loading the hook), per stage.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { dropCache, measure, REPO, report, requireDist, tempDir, wf, writeTree } from './lib.mjs';

requireDist();
const Database = createRequire(join(REPO, 'package.json'))('better-sqlite3');
const JOBS = 100;
const STAGES = 100;
const TOTAL = JOBS * STAGES;
const RUNS = 5;

function pipelineYaml(name, uses) {
  const lines = [`${name}:`, '  type: Pipeline', '  jobs:'];
  for (let j = 0; j < JOBS; j++) {
    lines.push(`    j${j}:`, '      stages:');
    for (let s = 0; s < STAGES; s++) lines.push(`        - uses: ${uses}`);
  }
  return lines.join('\n') + '\n';
}

const dir = tempDir();
writeTree(dir, {
  'hooks/noop-js.mjs': "export const noop = { name: 'noop', tag: 'v1', with: {}, run: async () => ({}) };\n",
  'hooks/noop-ts.ts': "export const noop: { name: string; tag: string; with: Record<string, never>; run: () => Promise<Record<string, never>> } = { name: 'noop', tag: 'v1', with: {}, run: async () => ({}) };\n",
  'conf/hooks-mjs.yml': pipelineYaml('hooks-mjs', 'noop-js/noop@v1'),
  'conf/hooks-ts.yml': pipelineYaml('hooks-ts', 'noop-ts/noop@v1'),
  'conf/one-mjs.yml': 'one-mjs:\n  type: Pipeline\n  jobs:\n    j:\n      stages:\n        - uses: noop-js/noop@v1\n',
  'conf/one-ts.yml': 'one-ts:\n  type: Pipeline\n  jobs:\n    j:\n      stages:\n        - uses: noop-ts/noop@v1\n',
});

for (const [name, one, label] of [['hooks-mjs', 'one-mjs', '.mjs'], ['hooks-ts', 'one-ts', '.ts']]) {
  // A fresh store per variant so the row count below belongs to this variant's runs only.
  const state = join(dir, `.wf-${name}`);
  const run = () => wf(['run', name, '--state', state], { cwd: dir });
  const s = measure(run, { runs: RUNS, warmups: 1 });
  // Cold: the compiled-model cache removed first, so the 10,000-stage YAML is parsed again.
  const cold = measure(run, { runs: 3, warmups: 0, before: () => dropCache(state) });
  const runs = RUNS + 1 + 3;
  const db = new Database(join(state, 'wf.db'), { readonly: true });
  const perRun = db
    .prepare("SELECT r.id, r.status, COUNT(s.path) AS n FROM runs r LEFT JOIN stages s ON s.run_id = r.id AND s.status = 'success' GROUP BY r.id")
    .all();
  db.close();
  const complete = perRun.filter((r) => r.status === 'success' && r.n === TOTAL).length;
  report(`wf run ${TOTAL.toLocaleString('en-US')} no-op ${label} hook stages / ${JOBS} jobs`, s, { minRate: 10_000, count: TOTAL });
  report(`  same, cold model cache`, cold, { minRate: 10_000, count: TOTAL });
  const single = measure(() => wf(['run', one, '--state', state], { cwd: dir }), { runs: RUNS, warmups: 1 });
  const perStage = (s.median - single.median) / (TOTAL - 1);
  const rate = 1 / perStage;
  console.log(
    `  per stage: ${(perStage * 1e6).toFixed(0)} µs = ${Math.round(rate).toLocaleString('en-US')} stages/s (10,000 stages ${s.median.toFixed(3)} s minus 1 stage ${single.median.toFixed(3)} s) target ≥ 16,000 stages/s${rate < 16_000 ? '  MISS' : ''}`,
  );
  console.log(`  store: ${complete}/${runs} runs with all ${TOTAL.toLocaleString('en-US')} stages recorded as success (rows per run: ${[...new Set(perRun.map((r) => r.n))].join(', ')})`);
}
