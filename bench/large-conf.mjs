#!/usr/bin/env node
// A generated conf/ of 1,000 pipelines (one per file; a few jobs and stages, params, some `on:` to
// a handful of On schedules): `wf run p-500` loads only what it needs; `wf validate` checks all.
// Targets (issue 2): run ≤ 0.5 s, validate ≤ 3 s, medians.
import { join } from 'node:path';
import { dropCache, measure, report, requireDist, tempDir, wf, writeTree } from './lib.mjs';

requireDist();
const PIPELINES = 1000;
const SCHEDULES = 5;

function pipelineYaml(i) {
  const on = i % 10 === 0 ? `  on: [sched-${i % SCHEDULES}]\n` : '';
  return `p-${i}:
  type: Pipeline
  desc: Generated pipeline number ${i}
${on}  params:
    region: {type: choice, options: [eu, us, apac], default: eu}
    limit: {type: int, default: ${i}}
    tables: {type: array, default: [orders, refunds]}
  env: {PIPELINE: p-${i}}
  jobs:
    extract:
      strategy:
        matrix: {table: "\${{ params.tables }}"}
      stages:
        - id: pull
          run: echo "rows=\${{ params.limit }}" >> "$WF_OUTPUT"
      outputs:
        rows: \${{ stages.pull.outputs.rows }}
    transform:
      needs: [extract]
      stages:
        - echo: "transform \${{ params.region | upper }}"
        - run: "true"
    load:
      needs: [transform]
      if: \${{ params.limit >= 0 }}
      stages:
        - name: Load
          echo: "load \${{ params.region }} \${{ run.id }}"
`;
}

const dir = tempDir();
const files = {};
for (let s = 0; s < SCHEDULES; s++) {
  files[`conf/schedules/sched-${s}.yml`] = `sched-${s}:\n  type: On\n  cron: "${s} 2 * * *"\n  timezone: Europe/Paris\n`;
}
for (let i = 0; i < PIPELINES; i++) files[`conf/pipelines/${String(Math.floor(i / 100)).padStart(2, '0')}/p-${i}.yml`] = pipelineYaml(i);
writeTree(dir, files);
const state = join(dir, '.wf');

// p-500 has `on: [sched-0]` (its schedule is checked too); p-501 has no `on:`.
for (const name of ['p-500', 'p-501']) {
  const run = () => wf(['run', name, '--state', state], { cwd: dir });
  report(`wf run ${name} (conf/ of ${PIPELINES} pipelines)`, measure(run, { runs: 9 }), { max: 0.5 });
  report(`wf run ${name}, cold model cache`, measure(run, { runs: 7, before: () => dropCache(state) }), { max: 0.5 });
}
report(`wf validate (${PIPELINES} pipelines)`, measure(() => wf(['validate', '--state', state], { cwd: dir }), { runs: 5 }), { max: 3 });
