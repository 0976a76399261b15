#!/usr/bin/env node
// Planner benchmark: `npm run build` (or `npx tsc -p tsconfig.json`) first, then `node bench/plan.mjs`.
// Target (SPEC performance budget): planning 5,000 jobs with 20,000 needs edges in ≤ 100 ms.
import { planJobs } from '../dist/planner/index.js';

const JOBS = 5000;
const EDGES = 20000;
const RUNS = 21;
const WARMUP = 3;
const TARGET_MS = 100;

/** Small deterministic PRNG (mulberry32) so every run plans the same graph. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** JOBS jobs, EDGES random needs, each pointing at an earlier job (so the graph is acyclic). */
function randomDag() {
  const next = random(42);
  const jobs = Array.from({ length: JOBS }, (_, i) => ({ id: `job-${i}`, needs: [] }));
  for (let e = 0; e < EDGES; e++) {
    const from = 1 + Math.floor(next() * (JOBS - 1));
    const to = Math.floor(next() * from);
    jobs[from].needs.push(`job-${to}`);
  }
  return jobs;
}

/** A chain job-0 ← job-1 ← … declared last-first, so the ready queue cannot simply follow input order. */
function chain() {
  return Array.from({ length: JOBS }, (_, k) => {
    const i = JOBS - 1 - k;
    return { id: `job-${i}`, needs: i === 0 ? [] : [`job-${i - 1}`] };
  });
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function bench(label, jobs) {
  for (let w = 0; w < WARMUP; w++) planJobs(jobs); // let the JIT compile the hot loops first
  const times = [];
  for (let r = 0; r < RUNS; r++) {
    const start = process.hrtime.bigint();
    const plan = planJobs(jobs);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (plan.order.length !== jobs.length) throw new Error(`${label}: planned ${plan.order.length} of ${jobs.length} jobs`);
  }
  const ms = median(times);
  console.log(`${label}: median ${ms.toFixed(1)} ms (target ≤ ${TARGET_MS} ms)`);
  return ms <= TARGET_MS;
}

const dag = randomDag();
const edges = dag.reduce((sum, job) => sum + job.needs.length, 0);
const ok = [bench(`plan ${JOBS} jobs / ${edges} edges`, dag), bench(`plan ${JOBS}-long chain`, chain())];
if (!ok.every(Boolean)) process.exitCode = 1;
