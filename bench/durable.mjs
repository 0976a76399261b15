#!/usr/bin/env node
// The durable run (issue 5):
// - `wf retry` of a 1,000-job run where one job failed: time to finish vs the first run (target ≤ 10 %).
// - Chains of 1,000 and 10,000 `echo:` jobs: wall time and peak memory (target: 10× the jobs ≤ 12× the time).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ENV, WF, requireDist, stats, tempDir, writeTree } from './lib.mjs';

requireDist();

function fanConf(n) {
  // 1,000 independent shell jobs; one of them fails until a file exists.
  const lines = ['wide:', '  type: Pipeline', '  jobs:'];
  for (let i = 0; i < n; i++) lines.push(`    j${i}:`, '      stages:', i === 500 ? '        - run: test -f fixed' : `        - run: 'true'`);
  return lines.join('\n') + '\n';
}

function chainConf(n) {
  const lines = ['chain:', '  type: Pipeline', '  jobs:'];
  for (let i = 0; i < n; i++) lines.push(`    j${i}:`, ...(i ? [`      needs: [j${i - 1}]`] : []), '      stages:', '        - echo: hi');
  return lines.join('\n') + '\n';
}

/** Wall time and peak RSS (KB) of `wf args` through GNU time when present, else wall time only. */
function timed(args, cwd, expect = 0) {
  const hasTime = spawnSync('sh', ['-c', 'command -v /usr/bin/time']).status === 0;
  const start = process.hrtime.bigint();
  const r = hasTime
    ? spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, WF, ...args], { cwd, env: ENV, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 })
    : spawnSync(process.execPath, [WF, ...args], { cwd, env: ENV, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== expect) throw new Error(`wf ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-2000)}`);
  const kb = hasTime ? Number(r.stderr.trim().split('\n').pop()) : NaN;
  return { secs, kb };
}

// 1) retry of a 1,000-job run with one failed job
{
  const firsts = [];
  const retries = [];
  for (let i = 0; i < 3; i++) {
    const dir = tempDir();
    writeTree(dir, { 'conf/wide.yml': fanConf(1000) });
    timed(['validate'], dir); // warm the model cache like a user who ran before
    firsts.push(timed(['run', 'wide'], dir, 1).secs);
    writeTree(dir, { fixed: '' });
    retries.push(timed(['retry', 'last'], dir, 0).secs);
  }
  const f = stats(firsts);
  const r = stats(retries);
  const ratio = r.median / f.median;
  console.log(`wf retry of a 1,000-job run with 1 failed job: median ${r.median.toFixed(3)} s vs first run ${f.median.toFixed(3)} s = ${(ratio * 100).toFixed(1)} % target ≤ 10 %  ${ratio <= 0.1 ? 'ok' : 'MISS'}`);
}

// 2) chains of 1,000 and 10,000 echo jobs
{
  const rows = [];
  for (const n of [1000, 10000]) {
    const dir = tempDir();
    writeTree(dir, { 'conf/chain.yml': chainConf(n) });
    timed(['run', 'chain'], dir); // first run compiles and caches the model
    const runs = [0, 1, 2].map(() => timed(['run', 'chain'], dir));
    const s = stats(runs.map((x) => x.secs));
    const kb = Math.max(...runs.map((x) => x.kb));
    rows.push({ n, s, kb });
    console.log(`chain of ${n.toLocaleString('en-US')} echo jobs: median ${s.median.toFixed(3)} s, peak RSS ${Number.isFinite(kb) ? (kb / 1024).toFixed(0) + ' MB' : 'n/a'}`);
  }
  const t = rows[1].s.median / rows[0].s.median;
  const m = rows[1].kb / rows[0].kb;
  console.log(`  10× the jobs: ${t.toFixed(1)}× the time, ${Number.isFinite(m) ? m.toFixed(1) : 'n/a'}× the memory  target ≤ 12×  ${t <= 12 && !(m > 12) ? 'ok' : 'MISS'}`);
}

