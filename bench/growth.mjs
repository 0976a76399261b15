#!/usr/bin/env node
// Cost that grows with the work (issue 10): 10× the jobs, templates or keys should cost ≤ 12× the
// time and the peak memory. Measured (wall, and peak RSS through GNU time when present) for:
// a chain and a fan-out of `echo:` jobs (1,000 vs 10,000), `wf list` and `wf validate` over 10,000
// vs 100,000 templates (100 per file), and `wf validate` of a pipeline whose map param default
// has 10,000 vs 100,000 keys. One run each (the large sizes take tens of seconds).
// `node bench/growth.mjs --quick` divides every size by 10.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENV, WF, requireDist, tempDir } from './lib.mjs';

requireDist();
const QUICK = process.argv.includes('--quick');
const k = (n) => (QUICK ? n / 10 : n);
const root = tempDir('wf-growth-');
const GNU_TIME = existsSync('/usr/bin/time');

function run(args, cwd) {
  const cmd = [process.execPath, WF, ...args, '--state', join(cwd, '.wf')];
  const start = process.hrtime.bigint();
  const r = GNU_TIME
    ? spawnSync('/usr/bin/time', ['-f', '%M', ...cmd], { cwd, env: ENV, encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 })
    : spawnSync(cmd[0], cmd.slice(1), { cwd, env: ENV, encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`wf ${args.join(' ')} exited ${r.status}: ${(r.stderr ?? '').slice(-500)}`);
  return { wall, rss: Number(/(\d+)\s*$/.exec(r.stderr ?? '')?.[1] ?? NaN) / 1024 };
}

function project(name, files) {
  const dir = join(root, name);
  mkdirSync(join(dir, 'conf'), { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, 'conf', file), text);
  return dir;
}

function jobs(name, n, chain) {
  const lines = [`${name}:`, '  type: Pipeline', '  jobs:'];
  for (let i = 0; i < n; i++) {
    lines.push(`    j${i}:`);
    if (chain && i > 0) lines.push(`      needs: [j${i - 1}]`);
    lines.push('      stages:', '        - echo: x');
  }
  return `${lines.join('\n')}\n`;
}

function templates(n) {
  const files = {};
  for (let f = 0; f < n / 100; f++) {
    let text = '';
    for (let i = f * 100; i < (f + 1) * 100; i++) {
      text += `p-${i}:\n  type: Pipeline\n  params:\n    n: {type: int, default: ${i}}\n  jobs:\n    j:\n      stages:\n        - run: echo \${{ params.n }}\n`;
    }
    files[`f${f}.yml`] = text;
  }
  return files;
}

function bigMap(n) {
  const keys = Array.from({ length: n }, (_, i) => `        key${i}: ${i}`).join('\n');
  return { 'map.yml': `big-map:\n  type: Pipeline\n  params:\n    m:\n      type: map\n      default:\n${keys}\n  jobs:\n    j:\n      stages:\n        - echo: \${{ params.m.key1 }}\n` };
}

function compare(label, small, large, args) {
  const a = run(args(small.name), small.dir);
  const b = run(args(large.name), large.dir);
  const t = b.wall / a.wall;
  const m = b.rss / a.rss;
  const ok = t <= 12 && (Number.isNaN(m) || m <= 12);
  console.log(
    `${label}: ${small.n.toLocaleString('en')} ${a.wall.toFixed(2)} s ${a.rss.toFixed(0)} MB; ${large.n.toLocaleString('en')} ${b.wall.toFixed(2)} s ${b.rss.toFixed(0)} MB; ` +
      `${t.toFixed(1)}× time, ${m.toFixed(1)}× memory ${ok ? 'ok' : 'MISS (target ≤ 12×)'}`,
  );
}

const sized = (kind, n, files) => ({ n, name: kind, dir: project(`${kind}-${n}`, files) });
for (const chain of [true, false]) {
  const kind = chain ? 'chain' : 'fan-out';
  compare(`${kind} of echo jobs (wf run)`, sized(kind, k(1000), { 'p.yml': jobs(kind, k(1000), chain) }), sized(kind, k(10000), { 'p.yml': jobs(kind, k(10000), chain) }), (name) => ['run', name]);
}
const t1 = sized('templates', k(10000), templates(k(10000)));
const t2 = sized('templates', k(100000), templates(k(100000)));
compare('wf list, templates', t1, t2, () => ['list']);
compare('wf validate, templates', t1, t2, () => ['validate']);
compare('wf validate, keys of one map', sized('map', k(10000), bigMap(k(10000))), sized('map', k(100000), bigMap(k(100000))), () => ['validate']);
