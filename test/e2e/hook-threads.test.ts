import { availableParallelism } from 'node:os';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runWf, tmpProject } from '../helpers/index.js';

beforeAll(assertBuilt);

// Two jobs that start together, each one hook stage that says which worker thread ran it.
const conf = (hook: string) => `
p:
  type: Pipeline
  jobs:
${['a', 'b'].map((job) => `    ${job}:\n      stages:\n        - id: w\n          uses: t/${hook}@v1\n        - run: echo "${job} ran in thread \${{ stages.w.outputs.thread }}"\n`).join('')}`;

const HOOKS = {
  'hooks/t.mjs': [
    "import { threadId } from 'node:worker_threads';",
    "export const quick = { name: 'quick', tag: 'v1', run: async () => ({ thread: threadId }) };",
    // Synchronous work: while it runs, its thread answers nothing.
    "export const busy = { name: 'busy', tag: 'v1', run: async () => { const end = Date.now() + 1500; while (Date.now() < end); return { thread: threadId }; } };",
    "export const sleep = { name: 'sleep', tag: 'v1', with: { ms: 'int' }, run: async (a, ctx) => { await new Promise((r) => { const t = setTimeout(r, a.ms); ctx.signal.addEventListener('abort', () => { clearTimeout(t); r(); }); }); return { thread: threadId }; } };",
    '',
  ].join('\n'),
};

function threads(stdout: string): [string, string] {
  const a = /a ran in thread (\d+)/.exec(stdout)?.[1];
  const b = /b ran in thread (\d+)/.exec(stdout)?.[1];
  expect(a && b, stdout).toBeTruthy();
  return [a!, b!];
}

describe.skipIf(availableParallelism() < 2)('hook calls and worker threads', { timeout: 60_000 }, () => {
  it('a quick call made while the second thread boots runs on the warm one instead of waiting for it', async () => {
    const dir = tmpProject({ 'conf/p.yml': conf('quick'), ...HOOKS });
    const r = await runWf(['run', 'p'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const [a, b] = threads(r.stdout);
    expect(b).toBe(a);
  });

  it('while another run holds the other thread, calls still run side by side on the one that is free', async () => {
    // The child run (same pool) holds one thread 4 s; 20 jobs' 100 ms hook stages share the other,
    // at once (one at a time they would take 2 s and pass their 1.5 s timeout).
    const cells = Array.from({ length: 20 }, (_, i) => i).join(', ');
    const dir = tmpProject({
      'conf/p.yml': [
        'child:\n  type: Pipeline\n  jobs:\n    hold:\n      stages:\n        - uses: t/sleep@v1\n          with: {ms: 4000}',
        'p:\n  type: Pipeline\n  jobs:\n    trig:\n      stages:\n        - trigger: child',
        `    many:\n      strategy:\n        matrix:\n          i: [${cells}]\n      stages:\n        - run: sleep 0.5\n        - uses: t/sleep@v1\n          timeout: 1500ms\n          with: {ms: 100}`,
        '',
      ].join('\n'),
      ...HOOKS,
    });
    const r = await runWf(['run', 'p', '--max-parallel', '64'], { cwd: dir });
    expect(r.stdout, r.stderr).not.toContain('timed out');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('21/21 jobs ok');
  });

  it('calls that keep a thread busy run on two threads at once', async () => {
    const dir = tmpProject({ 'conf/p.yml': conf('busy'), ...HOOKS });
    const r = await runWf(['run', 'p'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const [a, b] = threads(r.stdout);
    expect(b).not.toBe(a);
  });
});
