#!/usr/bin/env node
// Stage kinds (issue 6):
// - foreach over 10,000 items of a no-op hook stage, concurrency 8: items/s (target ≥ 5,000/s);
// - foreach over 1,000 `run: "true"` items beside the same work as 1,000 jobs: overhead per item.
import { join } from 'node:path';
import { measure, report, requireDist, tempDir, wf, writeTree } from './lib.mjs';

requireDist();
const dir = tempDir();
const jobs = ['jobs1k:', '  type: Pipeline', '  jobs:'];
for (let i = 0; i < 1000; i++) jobs.push(`    j${i}:`, '      stages:', "        - run: 'true'");
writeTree(dir, {
  'hooks/noop.mjs': "export const noop = { name: 'noop', tag: 'v1', with: {}, run: async () => ({}) };\n",
  'conf/items.yml': [
    'hooks-foreach:', '  type: Pipeline', '  jobs:', '    j:', '      stages:',
    `        - foreach: [${Array.from({ length: 10_000 }, (_, i) => i).join(', ')}]`, '          concurrency: 8', '          stages: [{uses: noop/noop@v1}]',
    'true-foreach:', '  type: Pipeline', '  jobs:', '    j:', '      stages:',
    `        - foreach: [${Array.from({ length: 1000 }, (_, i) => i).join(', ')}]`, '          concurrency: 32', "          stages: [{run: 'true'}]",
  ].join('\n') + '\n',
  'conf/jobs.yml': jobs.join('\n') + '\n',
});
const run = (name) => () => wf(['run', name, '--state', join(dir, '.wf')], { cwd: dir });
run('hooks-foreach')(); // compile and cache the model
const f = measure(run('hooks-foreach'), { runs: 3, warmups: 0 });
report('foreach over 10,000 no-op hook items, concurrency 8', f, { minRate: 5_000, count: 10_000, unit: 'items/s' });
const t = measure(run('true-foreach'), { runs: 3, warmups: 1 });
const j = measure(run('jobs1k'), { runs: 3, warmups: 1 });
report('foreach over 1,000 `run: true` items (concurrency 32)', t, { refs: [['1,000 jobs (max-parallel 32)', j]] });
console.log(`  per item: ${((t.median / 1000) * 1000).toFixed(2)} ms vs per job ${((j.median / 1000) * 1000).toFixed(2)} ms`);
