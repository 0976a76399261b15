// Shared helpers for the benchmark scripts: temp projects, timing child processes, one-line figures.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// WF_BENCH_REPO points the scripts at another checkout (e.g. a snapshot of HEAD) to compare builds.
export const REPO = resolve(process.env.WF_BENCH_REPO ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
export const WF = join(REPO, 'bin', 'wf');
export const ENV = { ...process.env, NO_COLOR: '1', CI: '1' };

/** Exits with a clear message when the product has not been built (the bundle bin/wf starts from included). */
export function requireDist() {
  if (!existsSync(join(REPO, 'dist', 'cli', 'main.js')) || !existsSync(join(REPO, 'dist', 'bundle', 'main.cjs'))) {
    console.error(`dist/ is missing: build first with \`cd ${REPO} && npm run build\``);
    process.exit(1);
  }
}

/** A fresh temp folder, removed when the process exits. */
export function tempDir(prefix = 'wf-bench-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes files given as { 'relative/path': text } under root. */
export function writeTree(root, files) {
  for (const [rel, text] of Object.entries(files)) {
    const file = join(root, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
}

/** Removes the compiled-model cache (`<state>/cache`) so the next `wf run` parses conf/ again (a cold run). */
export function dropCache(state) {
  rmSync(join(state, 'cache'), { recursive: true, force: true });
}

/** Runs a command synchronously; throws (with its output) when the exit code is not the expected one. */
export function exec(cmd, args, { cwd = REPO, expectCode = 0, env = ENV } = {}) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw r.error;
  if (expectCode !== null && r.status !== expectCode) {
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n').slice(-20).join('\n');
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status} (expected ${expectCode}):\n${out}`);
  }
  return r;
}

/** Runs `node bin/wf ...args` in cwd; throws on an unexpected exit code. */
export function wf(args, opts = {}) {
  return exec(process.execPath, [WF, ...args], opts);
}

/** Wall time in seconds of fn(), measured with hrtime. */
export function time(fn) {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Median and min of fn()'s wall time over `runs` runs after `warmups`; `before` runs untimed before each. */
export function measure(fn, { runs = 9, warmups = 1, before } = {}) {
  for (let i = 0; i < warmups; i++) {
    before?.();
    fn();
  }
  const times = [];
  for (let i = 0; i < runs; i++) {
    before?.();
    times.push(time(fn));
  }
  return stats(times);
}

export function stats(times) {
  const sorted = [...times].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], runs: sorted.length };
}

/**
 * One figure line: `label: median 0.281 s (min 0.266) target ≤ 0.30 s  [ref: 0.19 s]`, MISS when missed.
 * target: { max } for seconds, or { rate, unit, count } to print count/median as a throughput ≥ rate.
 */
export function report(label, s, { max, minRate, count, unit = 'stages/s', refs = [] } = {}) {
  let line;
  let miss = false;
  if (minRate !== undefined) {
    const rate = count / s.median;
    const best = count / s.min;
    miss = rate < minRate;
    line = `${label}: median ${fmtRate(rate)} ${unit} (${s.median.toFixed(3)} s wall; best ${fmtRate(best)}) target ≥ ${fmtRate(minRate)} ${unit}`;
  } else {
    line = `${label}: median ${s.median.toFixed(3)} s (min ${s.min.toFixed(3)})`;
    if (max !== undefined) {
      miss = s.median > max;
      line += ` target ≤ ${max.toFixed(2)} s`;
    }
  }
  if (refs.length) line += `  [${refs.map(([name, r]) => `${name}: ${r.median.toFixed(3)} s`).join('; ')}]`;
  if (max !== undefined || minRate !== undefined) line += miss ? '  MISS' : '  ok';
  console.log(line);
  return !miss;
}

const fmtRate = (r) => Math.round(r).toLocaleString('en-US');

/** `seq 100 | xargs -P2 -I{} true`: the shell's floor for 100 processes two at a time. */
export function xargsTrue(n = 100) {
  return () => exec('sh', ['-c', `seq ${n} | xargs -P2 -I{} true`]);
}
