#!/usr/bin/env node
// Runs every benchmark in sequence and prints their figures (`npm run bench`). Builds nothing:
// dist/ must exist (`npx tsc -p tsconfig.json`). Figures, not tests: a missed target prints MISS
// and the exit code stays 0; only a script that crashes makes it non-zero.
import { spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO, requireDist } from './lib.mjs';

requireDist();
const here = dirname(fileURLToPath(import.meta.url));
const SCRIPTS = ['startup.mjs', 'parallel-jobs.mjs', 'hook-throughput.mjs', 'large-conf.mjs', 'plan.mjs', 'durable.mjs', 'schedule.mjs', 'stage-kinds.mjs', 'shell-parse.mjs', 'overhead.mjs', 'growth.mjs'];

console.log(`wf benchmarks — ${REPO}, node ${process.version}, ${availableParallelism()} cores, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
let crashed = 0;
for (const script of SCRIPTS) {
  console.log(`\n## ${script}`);
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [join(here, script)], { stdio: 'inherit' });
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  // plan.mjs sets exit code 1 on a missed target; that is a figure, not a crash.
  const ok = r.status === 0 || (script === 'plan.mjs' && r.status === 1);
  if (!ok) crashed++;
  const note = r.status === 0 ? '' : ok ? ', exit 1: a target missed' : `, CRASHED with exit ${r.status ?? r.signal}`;
  console.log(`(${script}: ${secs.toFixed(1)} s${note})`);
}
if (crashed) process.exitCode = 1;
