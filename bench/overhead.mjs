#!/usr/bin/env node
// Overhead beside a peer (issue 10): wf against doit (Python; `apt install python3-doit`), run on the
// same workload, alternating, medians of 5: 100 independent `true` tasks, a 100-task chain; wf's own
// cost per job with no child process (`echo:` stages); `wf run hello-world` against `node -e 0`; and
// growth: 1,000 vs 10,000 chained echo jobs (time and peak RSS; bench/growth.mjs has more). Also the
// same runs with `shell: sh` (dash, like doit), and the floor: 100 bash vs 100 sh from a shell loop.
// Prints ratios; a missing doit is said.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENV, REPO, WF, dropCache, requireDist, stats, tempDir, writeTree } from './lib.mjs';

requireDist();
const RUNS = 5;
const dir = tempDir();

function jobs(name, n, { chain, stage }) {
  const lines = [`${name}:`, '  type: Pipeline', '  jobs:'];
  for (let i = 0; i < n; i++) {
    lines.push(`    j${i}:`);
    if (chain && i > 0) lines.push(`      needs: [j${i - 1}]`);
    lines.push('      stages:', `        - ${stage}`);
  }
  return `${lines.join('\n')}\n`;
}

function dodo(n, chain) {
  const out = ['DOIT_CONFIG = {"verbosity": 0}', ''];
  for (let i = 0; i < n; i++) {
    out.push(`def task_t${i}():`, `    return {"actions": ["true"], "uptodate": [False]${chain && i > 0 ? `, "task_dep": ["t${i - 1}"]` : ''}}`, '');
  }
  return out.join('\n');
}

writeTree(dir, {
  'conf/p.yml': jobs('par-100', 100, { chain: false, stage: 'run: "true"' }),
  'conf/c.yml': jobs('chain-100', 100, { chain: true, stage: 'run: "true"' }),
  // The same with `shell: sh`: dash, the shell doit's string actions run.
  'conf/ps.yml': jobs('par-100-sh', 100, { chain: false, stage: 'run: "true"\n          shell: sh' }),
  'conf/cs.yml': jobs('chain-100-sh', 100, { chain: true, stage: 'run: "true"\n          shell: sh' }),
  'conf/e.yml': jobs('echo-1000', 1000, { chain: false, stage: 'echo: x' }),
  'conf/e1.yml': jobs('echo-1', 1, { chain: false, stage: 'echo: x' }),
  'conf/g1k.yml': jobs('grow-1k', 1000, { chain: true, stage: 'echo: x' }),
  'conf/g10k.yml': jobs('grow-10k', 10000, { chain: true, stage: 'echo: x' }),
  'doit/par/dodo.py': dodo(100, false),
  'doit/chain/dodo.py': dodo(100, true),
});
const state = join(dir, '.wf');

/** Wall seconds and peak RSS (MB, from GNU time when present) of one command. */
const GNU_TIME = existsSync('/usr/bin/time');
function run(cmd, args, cwd = dir, env = ENV) {
  const start = process.hrtime.bigint();
  const r = GNU_TIME
    ? spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    : spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.error) throw r.error;
  const rss = Number(/(\d+)\s*$/.exec(r.stderr ?? '')?.[1] ?? NaN) / 1024;
  return { wall, rss, code: r.status };
}

const wf = (name) => () => run(process.execPath, [WF, 'run', name, '--state', state]);
const hasDoit = spawnSync('doit', ['--version'], { encoding: 'utf8' }).status === 0;
const doit = (which) => () => run('doit', ['-f', join(dir, 'doit', which, 'dodo.py'), '--db-file', join(dir, 'doit', which, '.doit.db')], join(dir, 'doit', which));

/** Alternating runs of a and b, medians. */
function sideBySide(a, b) {
  a();
  b?.();
  const ta = [];
  const tb = [];
  for (let i = 0; i < RUNS; i++) {
    ta.push(a().wall);
    if (b) tb.push(b().wall);
  }
  return [stats(ta), b ? stats(tb) : null];
}

const line = (label, w, peer, peerName) =>
  console.log(`${label}: wf ${w.median.toFixed(3)} s${peer ? `, ${peerName} ${peer.median.toFixed(3)} s, ratio ${(w.median / peer.median).toFixed(2)}× ${w.median <= peer.median ? 'ok' : 'MISS (target ≤ 1×)'}` : ''}`);

if (!hasDoit) console.log('doit is not installed (apt install python3-doit): wf figures only');
const [p, pd] = sideBySide(wf('par-100'), hasDoit ? doit('par') : undefined);
line('100 independent `true` jobs', p, pd, 'doit');
const [c, cd] = sideBySide(wf('chain-100'), hasDoit ? doit('chain') : undefined);
line('100-job chain of `true`', c, cd, 'doit');

const [ps, psd] = sideBySide(wf('par-100-sh'), hasDoit ? doit('par') : undefined);
line('100 independent `true` jobs, shell: sh', ps, psd, 'doit');
const [cs, csd] = sideBySide(wf('chain-100-sh'), hasDoit ? doit('chain') : undefined);
line('100-job chain of `true`, shell: sh', cs, csd, 'doit');
// The floor under any runner: the shells themselves, 100 one after another from a shell loop.
const loop = (shell) => () => run('bash', ['-c', `for i in $(seq 100); do ${shell} -c true; done`]);
const [bashLoop, shLoop] = sideBySide(loop('bash --noprofile --norc -eo pipefail'), loop('sh'));
console.log(`floor: 100 × bash -c true ${bashLoop.median.toFixed(3)} s, 100 × sh -c true ${shLoop.median.toFixed(3)} s (one after another, from bash)`);

const [hello, node0] = sideBySide(() => run(process.execPath, [WF, 'run', 'hello-world', '--state', state], REPO), () => run(process.execPath, ['-e', '0']));
console.log(`wf run hello-world: ${hello.median.toFixed(3)} s, node -e 0 ${node0.median.toFixed(3)} s, ratio ${(hello.median / node0.median).toFixed(2)}× (target ≤ 2×)`);
const [cold] = sideBySide(() => {
  dropCache(state);
  return run(process.execPath, [WF, 'run', 'hello-world', '--state', state], REPO);
});
console.log(`wf run hello-world, cold model cache: ${cold.median.toFixed(3)} s, ratio ${(cold.median / node0.median).toFixed(2)}× node -e 0`);
// The first run of a command after an install or a build: no code cache yet (bin/wf writes it).
const noCodeCache = () => ({ ...ENV, XDG_CACHE_HOME: mkdtempSync(join(dir, 'code-cache-')) });
const [coldCode] = sideBySide(() => run(process.execPath, [WF, 'run', 'hello-world', '--state', state], REPO, noCodeCache()));
console.log(`wf run hello-world, no code cache yet: ${coldCode.median.toFixed(3)} s, ratio ${(coldCode.median / node0.median).toFixed(2)}× node -e 0`);
// Everything cold: the OS page cache dropped before each run (as root), node's own files included.
const DROP = '/proc/sys/vm/drop_caches';
let canDrop = false;
try {
  accessSync(DROP, constants.W_OK);
  canDrop = true;
} catch {}
if (canDrop) {
  const dropAll = () => {
    dropCache(state);
    spawnSync('sync');
    writeFileSync(DROP, '3');
  };
  const [coldAll, coldNode] = sideBySide(
    () => (dropAll(), run(process.execPath, [WF, 'run', 'hello-world', '--state', state], REPO, noCodeCache())),
    () => (dropAll(), run(process.execPath, ['-e', '0'])),
  );
  console.log(
    `wf run hello-world, page cache dropped too (model and code cache cold): ${coldAll.median.toFixed(3)} s, node -e 0 (page cache dropped) ${coldNode.median.toFixed(3)} s, ratio ${(coldAll.median / coldNode.median).toFixed(2)}×`,
  );
} else console.log(`wf run hello-world, page cache dropped: not measured (${DROP} is not writable: run as root)`);

const [e1000] = sideBySide(wf('echo-1000'));
const [e1] = sideBySide(wf('echo-1'));
console.log(`wf's own cost per job (echo: stages, 1,000 jobs minus 1): ${(((e1000.median - e1.median) / 999) * 1000).toFixed(3)} ms (target ≤ 0.3 ms)`);

const g1 = run(process.execPath, [WF, 'run', 'grow-1k', '--state', state]);
const g10 = run(process.execPath, [WF, 'run', 'grow-10k', '--state', state]);
console.log(`chain of echo jobs: 1,000 ${g1.wall.toFixed(2)} s ${g1.rss.toFixed(0)} MB; 10,000 ${g10.wall.toFixed(2)} s ${g10.rss.toFixed(0)} MB; ratio ${(g10.wall / g1.wall).toFixed(1)}× time, ${(g10.rss / g1.rss).toFixed(1)}× memory (target ≤ 12×)`);
