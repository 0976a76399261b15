import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { alive, assertBuilt, BIN, hasStackTrace, onlyRun, parseJson, readRuns, runWf, startWf, tmpProject, waitFor, wfEnv } from '../helpers/index.js';

beforeAll(assertBuilt);
vi.setConfig({ testTimeout: 30_000 });

// Hooks that ignore their signal: one awaits forever, one blocks its thread.
const HOOKS = `
export const stubborn = { name: 'stubborn', tag: 'v1', with: {}, run: () => new Promise(() => {}) };
export const busy = { name: 'busy', tag: 'v1', with: {}, run: () => { for (;;) {} } };
export const exits = { name: 'exits', tag: 'v1', with: {}, run: () => { process.exit(7); } };
export const nullObj = { name: 'null-obj', tag: 'v1', with: {}, run: () => { throw Object.create(null); } };
export const proxy = { name: 'proxy', tag: 'v1', with: {}, run: () => { throw new Proxy({}, { get() { throw new Error('trap'); }, ownKeys() { throw new Error('trap'); } }); } };
export const ok = { name: 'ok', tag: 'v1', with: {}, run: () => ({ fine: true }) };
`;

describe('timeout:', () => {
  it('fails a stage running `sleep 30 & wait` as timed out within seconds, and its sleep is gone', async () => {
    const dir = tmpProject({
      'conf/p.yml': `
t:
  type: Pipeline
  jobs:
    j:
      stages:
        - timeout: 2s
          run: |
            sleep 30 & echo $! > sleep.pid
            wait
`,
    });
    const start = Date.now();
    const r = await runWf(['run', 't'], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(Date.now() - start).toBeLessThan(8000);
    const stored = onlyRun(join(dir, '.wf'));
    expect(stored.stages[0]!.status).toBe('failed');
    expect(stored.stages[0]!.error?.code).toBe('E_TIMEOUT');
    expect(stored.stages[0]!.error?.message).toMatch(/timed out after 2/);
    const pid = Number(readFileSync(join(dir, 'sleep.pid'), 'utf8'));
    expect(await waitFor(() => !alive(pid), 2000)).toBe(true);
  });

  it('ends a hook that ignores its signal (awaiting forever or blocking its thread)', async () => {
    const dir = tmpProject({
      'hooks/h.mjs': HOOKS,
      'conf/p.yml': `
t:
  type: Pipeline
  jobs:
    waits:
      stages:
        - {uses: h/stubborn, timeout: 1s}
    blocks:
      stages:
        - {uses: h/busy, timeout: 1s}
        - {uses: h/ok, if: always()}
`,
    });
    const start = Date.now();
    const r = await runWf(['run', 't'], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(Date.now() - start).toBeLessThan(10_000);
    const stored = onlyRun(join(dir, '.wf'));
    const first = stored.stages.filter((s) => s.path === '0');
    expect(first.map((s) => s.status)).toEqual(['failed', 'failed']);
    for (const s of first) expect(s.error?.code).toBe('E_TIMEOUT');
    // The thread that was ended is replaced: the next hook stage runs.
    expect(stored.stages.find((s) => s.jobKey === 'blocks' && s.path === '1')?.status).toBe('success');
  });

  it('times out a whole job', async () => {
    const dir = tmpProject({ 'conf/p.yml': `t:\n  type: Pipeline\n  jobs:\n    j:\n      timeout: 1s\n      stages:\n        - run: sleep 0.2\n        - run: sleep 30\n        - run: touch never\n` });
    const r = await runWf(['run', 't'], { cwd: dir });
    expect(r.code).toBe(1);
    const stored = onlyRun(join(dir, '.wf'));
    expect(stored.jobs[0]!.error?.code).toBe('E_TIMEOUT');
    expect(stored.jobs[0]!.error?.message).toMatch(/job timed out after 1/);
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });
});

describe('retry:', () => {
  it('records each attempt with its error and waits 1s then 2s (exponential); the run succeeds on the third', async () => {
    const dir = tmpProject({
      'conf/p.yml': `
flaky:
  type: Pipeline
  jobs:
    j:
      stages:
        - id: s
          retry: {attempts: 3, delay: 1s, backoff: exponential}
          run: |
            n=$(cat n 2>/dev/null || echo 0); n=$((n+1)); echo $n > n
            [ $n -ge 3 ] || { echo "try $n failed" >&2; exit 4; }
`,
    });
    const r = await runWf(['run', 'flaky', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const details = parseJson<{ run: { status: string }; jobs: Array<{ stages: Array<{ attempts: Array<{ attempt: number; status: string; startedAt: string; error: { message: string } | null }> }> }> }>(r);
    expect(details.run.status).toBe('success');
    const attempts = details.jobs[0]!.stages[0]!.attempts;
    expect(attempts.map((a) => [a.attempt, a.status])).toEqual([[1, 'failed'], [2, 'failed'], [3, 'success']]);
    expect(attempts[0]!.error?.message).toMatch(/exited with code 4/);
    const t = attempts.map((a) => Date.parse(a.startedAt));
    expect(t[1]! - t[0]!).toBeGreaterThanOrEqual(1000);
    expect(t[2]! - t[1]!).toBeGreaterThanOrEqual(2000);
  });

  it('retries a job from its first stage', async () => {
    const dir = tmpProject({ 'conf/p.yml': `t:\n  type: Pipeline\n  jobs:\n    j:\n      retry: {attempts: 2}\n      stages:\n        - run: echo x >> ran\n        - run: '[ $(wc -l < ran) -ge 2 ]'\n` });
    const r = await runWf(['run', 't'], { cwd: dir });
    expect(r.code, r.stdout).toBe(0);
    expect(readFileSync(join(dir, 'ran'), 'utf8')).toBe('x\nx\n');
    const d = parseJson<{ jobs: Array<{ attempts: Array<{ status: string }> }> }>(await runWf(['logs', 'last', '--json'], { cwd: dir }));
    expect(d.jobs[0]!.attempts.map((a) => a.status)).toEqual(['failed', 'success']);
  });
});

describe('wf retry', () => {
  const CONF = `
etl:
  type: Pipeline
  jobs:
    extract:
      stages:
        - id: s
          run: |
            echo x >> extract-count
            echo "rows=42" >> "$WF_OUTPUT"
      outputs: {rows: "\${{ stages.s.outputs.rows }}"}
    load:
      needs: [extract]
      stages:
        - run: echo y >> load-first
        - run: test -f fixed
        - run: echo "\${{ needs.extract.outputs.rows }}" > loaded
`;

  it('continues a failed run in place: what succeeded does not run again and its outputs feed the rest', async () => {
    const dir = tmpProject({ 'conf/p.yml': CONF });
    const first = await runWf(['run', 'etl'], { cwd: dir });
    expect(first.code).toBe(1);
    writeFileSync(join(dir, 'fixed'), '');
    const again = await runWf(['retry', 'last'], { cwd: dir });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(readFileSync(join(dir, 'extract-count'), 'utf8')).toBe('x\n');
    expect(readFileSync(join(dir, 'load-first'), 'utf8')).toBe('y\n'); // the stage that had succeeded is kept too
    expect(readFileSync(join(dir, 'loaded'), 'utf8')).toBe('42\n');
    const stored = readRuns(join(dir, '.wf'));
    expect(stored).toHaveLength(1);
    expect(stored[0]!.run.status).toBe('success');
    expect(stored[0]!.run.attempt).toBe(2);
    // A second retry of a successful run is refused with a hint.
    const third = await runWf(['retry', 'last'], { cwd: dir });
    expect(third.code).toBe(2);
    expect(third.stderr).toMatch(/E_STATE.*success/);
  });

  it('--from re-runs that job and what follows; a changed conf is refused without --force', async () => {
    const dir = tmpProject({ 'conf/p.yml': CONF, fixed: '' });
    expect((await runWf(['run', 'etl'], { cwd: dir })).code).toBe(0);
    expect((await runWf(['retry', 'last', '--from', 'extract'], { cwd: dir })).code).toBe(0);
    expect(readFileSync(join(dir, 'extract-count'), 'utf8')).toBe('x\nx\n');
    expect(readFileSync(join(dir, 'load-first'), 'utf8')).toBe('y\ny\n');
    writeFileSync(join(dir, 'conf/p.yml'), CONF.replace('echo y >> load-first', 'echo z >> load-first'));
    const changed = await runWf(['retry', 'last', '--from', 'load.1'], { cwd: dir });
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(/E_CHANGED.*job 'load' changed/);
    const forced = await runWf(['retry', 'last', '--from', 'load.1', '--force'], { cwd: dir });
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(join(dir, 'load-first'), 'utf8')).toBe('y\ny\n'); // stage 0 of load kept
    expect(readFileSync(join(dir, 'extract-count'), 'utf8')).toBe('x\nx\n');
  });
});

describe('wf cancel', () => {
  it('stops a run owned by another process: it exits, the run is cancelled, no child survives', async () => {
    const dir = tmpProject({ 'conf/p.yml': `long:\n  type: Pipeline\n  jobs:\n    j:\n      stages:\n        - run: |\n            sleep 60 & echo $! > sleep.pid\n            wait\n` });
    const { done } = startWf(['run', 'long'], { cwd: dir, timeoutMs: 30_000 });
    expect(await waitFor(() => existsSync(join(dir, 'sleep.pid')), 10_000)).toBe(true);
    const c = await runWf(['cancel', 'last'], { cwd: dir });
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toMatch(/cancelled/);
    const r = await done;
    expect(r.code).toBe(130);
    expect(onlyRun(join(dir, '.wf')).run.status).toBe('cancelled');
    const pid = Number(readFileSync(join(dir, 'sleep.pid'), 'utf8'));
    expect(await waitFor(() => !alive(pid), 3000)).toBe(true);
    const again = await runWf(['cancel', 'last'], { cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/already ended: cancelled/);
  });
});

describe('wf logs --follow', () => {
  it("streams another process's run until it ends and exits with its code", async () => {
    const dir = tmpProject({ 'conf/p.yml': `p:\n  type: Pipeline\n  jobs:\n    j:\n      stages:\n        - run: echo started; sleep 1.5\n        - run: echo second; exit 3\n` });
    const run = startWf(['run', 'p'], { cwd: dir, timeoutMs: 30_000 });
    expect(await waitFor(() => existsSync(join(dir, '.wf', 'wf.db')), 10_000)).toBe(true);
    await sleep(400);
    const f = await runWf(['logs', 'last', '--follow'], { cwd: dir });
    expect(f.code).toBe(1);
    expect(f.stdout).toMatch(/started/);
    expect(f.stdout).toMatch(/second/);
    expect(f.stdout).toMatch(/run failed/);
    expect((await run.done).code).toBe(1);
  });
});

describe('signals and pipes', () => {
  for (const sig of ['SIGHUP', 'SIGQUIT', 'SIGTERM'] as const) {
    it(`${sig} cancels the run and records every job and stage`, async () => {
      const dir = tmpProject({ 'conf/p.yml': `long:\n  type: Pipeline\n  jobs:\n    j:\n      stages:\n        - run: |\n            sleep 60 & echo $! > sleep.pid\n            wait\n    k:\n      needs: [j]\n      stages:\n        - run: 'true'\n` });
      const { child, done } = startWf(['run', 'long'], { cwd: dir, timeoutMs: 30_000 });
      expect(await waitFor(() => existsSync(join(dir, 'sleep.pid')), 10_000)).toBe(true);
      child.kill(sig);
      const r = await done;
      expect(r.code).toBe(130);
      const stored = onlyRun(join(dir, '.wf'));
      expect(stored.run.status).toBe('cancelled');
      expect(stored.jobs.map((j) => j.status).sort()).toEqual(['cancelled', 'cancelled']);
      for (const s of stored.stages) expect(s.status).not.toBe('running');
      const pid = Number(readFileSync(join(dir, 'sleep.pid'), 'utf8'));
      expect(await waitFor(() => !alive(pid), 3000)).toBe(true);
    });
  }

  it('`wf run X | head -1`: no stack trace, the whole DAG runs, the run is success', async () => {
    const dir = tmpProject({ 'conf/p.yml': `p:\n  type: Pipeline\n  jobs:\n    a:\n      stages:\n        - run: seq 1 2000\n    b:\n      needs: [a]\n      stages:\n        - run: seq 1 2000; touch last-ran\n` });
    const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const c = spawn('bash', ['-c', `"${process.execPath}" "${BIN}" run p | head -1; echo "wf=\${PIPESTATUS[0]}" >&2`], { cwd: dir, env: wfEnv() });
      let stdout = '';
      let stderr = '';
      c.stdout.on('data', (b: Buffer) => (stdout += b));
      c.stderr.on('data', (b: Buffer) => (stderr += b));
      c.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(r.stderr).toMatch(/wf=0/);
    expect(existsSync(join(dir, 'last-ran'))).toBe(true);
    expect(onlyRun(join(dir, '.wf')).run.status).toBe('success');
  });
});

describe('hooks that misbehave', () => {
  it('process.exit, a thrown Object.create(null) or a throwing Proxy fail their stage with a recorded error', async () => {
    const dir = tmpProject({
      'hooks/h.mjs': HOOKS,
      'conf/p.yml': `t:\n  type: Pipeline\n  jobs:\n    a:\n      stages:\n        - uses: h/exits\n    b:\n      stages:\n        - uses: h/null-obj\n    c:\n      stages:\n        - uses: h/proxy\n    d:\n      stages:\n        - uses: h/ok\n`,
    });
    const r = await runWf(['run', 't'], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(hasStackTrace(r.stderr)).toBe(false);
    const stored = onlyRun(join(dir, '.wf'));
    const byJob = Object.fromEntries(stored.stages.map((s) => [s.jobKey, s]));
    expect(byJob.a!.status).toBe('failed');
    expect(byJob.a!.error?.code).toBe('E_HOOK_CRASH');
    expect(byJob.b!.status).toBe('failed');
    expect(byJob.c!.status).toBe('failed');
    expect(byJob.d!.status).toBe('success');
    for (const s of stored.stages.filter((x) => x.status === 'failed')) expect(s.error?.message ?? '').not.toBe('');
    expect(byJob.b!.error?.message).toMatch(/no message/);
  });
});

describe('on-failure:', () => {
  it('runs once when the run failed and sees which jobs failed with their errors', async () => {
    const dir = tmpProject({
      'conf/p.yml': `
p:
  type: Pipeline
  jobs:
    on-failure:
      stages:
        - run: exit 5
    other:
      stages:
        - run: 'true'
  on-failure:
    stages:
      - run: |
          echo "\${{ toJSON(run.failed_jobs) }}" >> notified
          echo "\${{ jobs['on-failure'].error.message }}" >> notified
`,
    });
    const r = await runWf(['run', 'p'], { cwd: dir });
    expect(r.code).toBe(1);
    const notified = readFileSync(join(dir, 'notified'), 'utf8');
    expect(notified).toMatch(/"job": "on-failure"/);
    expect(notified).toMatch(/exited with code 5/);
    const stored = onlyRun(join(dir, '.wf'));
    expect(stored.run.status).toBe('failed');
    // The user's job named on-failure and the pipeline's on-failure are two records.
    expect(stored.jobs.map((j) => j.key).sort()).toEqual(['(on-failure)', 'on-failure', 'other']);
    const ok = tmpProject({ 'conf/p.yml': `p:\n  type: Pipeline\n  jobs:\n    a:\n      stages:\n        - run: 'true'\n  on-failure:\n    stages:\n      - run: touch notified\n` });
    expect((await runWf(['run', 'p'], { cwd: ok })).code).toBe(0);
    expect(existsSync(join(ok, 'notified'))).toBe(false);
  });
});

describe('large DAGs', () => {
  function chainConf(n: number, fan: boolean): string {
    const lines = ['big:', '  type: Pipeline', '  jobs:', '    j0:', '      stages:', '        - run: exit 1'];
    for (let i = 1; i < n; i++) lines.push(`    j${i}:`, `      needs: [${fan ? 'j0' : `j${i - 1}`}]`, '      stages:', '        - echo: hi');
    return lines.join('\n') + '\n';
  }
  for (const fan of [false, true]) {
    it(`a 10,000-job ${fan ? 'fan-out' : 'chain'} validates, runs and fails cleanly when its first job fails`, async () => {
      const dir = tmpProject({ 'conf/p.yml': chainConf(10_000, fan) });
      const v = await runWf(['validate'], { cwd: dir, timeoutMs: 60_000 });
      expect(v.code, v.stderr).toBe(0);
      const r = await runWf(['run', 'big', '--json'], { cwd: dir, timeoutMs: 60_000 });
      expect(r.code).toBe(1);
      const d = parseJson<{ run: { status: string }; jobs: Array<{ status: string }> }>(r);
      expect(d.run.status).toBe('failed');
      expect(d.jobs.filter((j) => j.status === 'upstream_failed')).toHaveLength(9_999);
    }, 120_000);
  }
});

describe('--max-parallel', () => {
  it('runs 12 I/O-bound cells 4 at a time by default and says once when the run caps a matrix', { timeout: 30_000 }, async () => {
    const dir = tmpProject({
      'conf/p.yml': `p:\n  type: Pipeline\n  jobs:\n    m:\n      strategy:\n        matrix: {i: [1,2,3,4,5,6,7,8,9,10,11,12]}\n        max-parallel: 4\n      stages:\n        - run: sleep 0.5\n`,
    });
    const start = Date.now();
    const r = await runWf(['run', 'p'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(Date.now() - start).toBeLessThan(1500 * 3 + 1500);
    expect(r.stdout).not.toMatch(/capped/);
    const capped = await runWf(['run', 'p', '--max-parallel', '2'], { cwd: dir });
    expect(capped.stdout.match(/max-parallel 4 is capped by the run's --max-parallel 2/g)).toHaveLength(1);
  });
});
