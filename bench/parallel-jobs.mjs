#!/usr/bin/env node
// `wf run` of 100 independent `run: "true"` jobs and of a 100-job needs chain, against the floors:
// `seq 100 | xargs -P2 -I{} true` and a Node process spawning `true` 100 times one after another.
// Targets (issue 2): both ≤ 0.30 s wall, median.
import { join } from 'node:path';
import { ENV, exec, measure, report, requireDist, tempDir, wf, writeTree, xargsTrue } from './lib.mjs';

requireDist();
const N = 100;
const RUNS = 9;

/** A pipeline of N jobs, each one `run: "true"` stage; `chain` makes job i need job i-1. */
function pipelineYaml(name, chain) {
  const lines = [`${name}:`, '  type: Pipeline', '  jobs:'];
  for (let i = 0; i < N; i++) {
    lines.push(`    j${i}:`);
    if (chain && i > 0) lines.push(`      needs: [j${i - 1}]`);
    lines.push('      stages:', '        - run: "true"');
  }
  return lines.join('\n') + '\n';
}

const dir = tempDir();
writeTree(dir, {
  'conf/parallel.yml': pipelineYaml('parallel-100', false),
  'conf/chain.yml': pipelineYaml('chain-100', true),
});
const state = join(dir, '.wf');
const run = (name) => () => {
  const r = wf(['run', name, '--state', state], { cwd: dir });
  if (!r.stdout.includes('run success')) throw new Error(`${name}: no success line:\n${r.stdout.slice(-500)}`);
};

// Node spawning `true` N times sequentially, the process's own start included (as for wf).
const nodeSpawnScript = `const {spawnSync}=require('node:child_process');for(let i=0;i<${N};i++){const r=spawnSync('true');if(r.status!==0)process.exit(1)}`;
const refs = [
  [`xargs -P2 true ×${N}`, measure(xargsTrue(N), { runs: RUNS })],
  [`node spawnSync true ×${N} seq.`, measure(() => exec(process.execPath, ['-e', nodeSpawnScript], { env: ENV }), { runs: RUNS })],
];

report(`wf run ${N} parallel true jobs`, measure(run('parallel-100'), { runs: RUNS }), { max: 0.3, refs });
report(`wf run ${N}-job needs chain`, measure(run('chain-100'), { runs: RUNS }), { max: 0.3, refs });
