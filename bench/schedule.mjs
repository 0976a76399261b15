#!/usr/bin/env node
// The scheduler (issue 7):
// - release latency: cron instant → first stage starting, on the injected clock, median and p99 over
//   200 releases (target p99 ≤ 50 ms);
// - 1,000 schedules in conf/: daemon start to the first release computed (target ≤ 1 s) and RSS while
//   idle (target ≤ 150 MB);
// - idle CPU of the daemon over BENCH_IDLE_SECONDS (default 60; target ≤ 0.5 % of a core).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ENV, REPO, WF, requireDist, stats, tempDir, writeTree } from './lib.mjs';

requireDist();
const dist = (p) => import(pathToFileURL(join(REPO, 'dist', p)).href);

// 1) latency on the injected clock
{
  const { FakeClock } = await dist('clock/index.js');
  const { Scheduler } = await dist('scheduler/scheduler.js');
  const dir = tempDir();
  writeTree(dir, { 'conf/p.yml': 'every:\n  type: Pipeline\n  on: [{cron: "* * * * *", timezone: UTC}]\n  schedule: {concurrency: allow}\n  jobs:\n    j:\n      stages: [{echo: hi}]\n' });
  const clock = new FakeClock('2025-01-01T00:00:30Z');
  let started = null;
  const scheduler = new Scheduler({ locations: { conf: join(dir, 'conf'), registry: [join(dir, 'hooks')], state: join(dir, '.wf') }, clock, onEvent: (e) => { if (e.type === 'stage-start' && started) started(); } });
  await scheduler.open();
  scheduler.start();
  const lat = [];
  for (let i = 1; i <= 200; i++) {
    const due = Date.parse('2025-01-01T00:00:00Z') + i * 60_000;
    const t0 = process.hrtime.bigint();
    const seen = new Promise((r) => (started = r));
    await clock.advanceTo(due);
    await seen;
    lat.push(Number(process.hrtime.bigint() - t0) / 1e6);
    started = null;
  }
  await scheduler.settle();
  await scheduler.close(0);
  const s = stats(lat);
  const p99 = [...lat].sort((a, b) => a - b)[Math.floor(lat.length * 0.99) - 1];
  console.log(`release latency (injected clock, 200 releases): median ${s.median.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms target p99 ≤ 50 ms  ${p99 <= 50 ? 'ok' : 'MISS'}`);
}

// 2) and 3) a real daemon over 1,000 schedules
{
  const dir = tempDir();
  const lines = [];
  for (let i = 0; i < 1000; i++) lines.push(`p${i}:`, '  type: Pipeline', `  on: [{cron: "${i % 60} ${i % 24} * * *", timezone: UTC}]`, '  jobs:', '    j:', '      stages: [{echo: hi}]');
  writeTree(dir, { 'conf/p.yml': lines.join('\n') + '\n' });
  const t0 = Date.now();
  const child = spawn(process.execPath, [WF, 'schedule'], { cwd: dir, env: ENV, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  await new Promise((resolve, reject) => {
    child.stderr.on('data', (b) => { err += b; if (/scheduler started/.test(err)) resolve(); });
    child.on('exit', () => reject(new Error(`daemon exited:\n${err}`)));
  });
  const startMs = Date.now() - t0;
  const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]) / 1024;
  const cpu = () => { const f = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) / 100; };
  await new Promise((r) => setTimeout(r, 2000));
  const mem = rss();
  console.log(`1,000 schedules: daemon start to next releases computed ${startMs} ms target ≤ 1000 ms  ${startMs <= 1000 ? 'ok' : 'MISS'}; RSS idle ${mem.toFixed(0)} MB target ≤ 150 MB  ${mem <= 150 ? 'ok' : 'MISS'}`);
  const secs = Number(process.env.BENCH_IDLE_SECONDS ?? 60);
  const c0 = cpu();
  await new Promise((r) => setTimeout(r, secs * 1000));
  const pct = ((cpu() - c0) / secs) * 100;
  console.log(`idle CPU over ${secs} s: ${pct.toFixed(2)} % of a core target ≤ 0.5 %  ${pct <= 0.5 ? 'ok' : 'MISS'}`);
  child.kill('SIGTERM');
  await new Promise((r) => child.on('exit', r));
}
