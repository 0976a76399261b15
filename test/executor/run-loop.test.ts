import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/clock/index.js';
import { runLoop, type RunLoopOptions } from '../../src/executor/run-loop.js';
import type { RunEvent } from '../../src/executor/run-events.js';
import type { HookResult, SpawnRequest } from '../../src/executor/protocol.js';
import type { JobTransport } from '../../src/executor/transport.js';
import type { ProcessExit } from '../../src/executor/process-host.js';
import { openStore, STORE_FILE, type RunRecord, type Store } from '../../src/store/index.js';
import { inspectFiles } from '../helpers/load-conf.js';
import { tmpDir } from '../helpers/index.js';

/**
 * A transport with no threads and no processes: a script is a list of `sleep N` / `exit N` /
 * `out k=v` words run against the fake clock; a hook call returns what the test says.
 */
class FakeTransport implements JobTransport {
  readonly started: Array<{ script: string; at: number }> = [];
  running = 0;
  maxRunning = 0;
  constructor(
    private readonly clock: FakeClock,
    private readonly hooks: Record<string, (signal: AbortSignal) => Promise<HookResult>> = {},
  ) {}

  async spawn(request: SpawnRequest, _owner: unknown, onData: (s: 'stdout' | 'stderr', d: string) => void, signal: AbortSignal): Promise<ProcessExit> {
    // A plain command comes started without bash (argv0 and its words); a script comes as bash's -c argument.
    const script = request.argv0 !== undefined ? [request.argv0, ...request.args].join(' ') : request.args[request.args.length - 1]!;
    this.started.push({ script, at: this.clock.now() });
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      for (const word of script.split(';').map((w) => w.trim())) {
        const [cmd, arg] = word.split(' ');
        if (cmd === 'sleep') {
          const aborted = await new Promise<boolean>((resolve) => {
            const cancel = this.clock.setTimer(() => resolve(false), Number(arg) * 1000);
            signal.addEventListener('abort', () => (cancel(), resolve(true)), { once: true });
          });
          if (aborted) return { code: null, signal: 'SIGTERM' };
        } else if (cmd === 'exit') return { code: Number(arg), signal: null };
        else if (cmd === 'echo') onData('stdout', `${arg}\n`);
      }
      return { code: 0, signal: null };
    } finally {
      this.running--;
    }
  }

  callHook(task: { uses: string }, signal: AbortSignal): Promise<HookResult> {
    const hook = this.hooks[task.uses];
    if (!hook) return Promise.resolve({ outputs: null, error: { name: 'WfError', code: 'E_UNKNOWN_HOOK', message: task.uses }, logs: [] });
    return hook(signal);
  }
}

function setup(yaml: string, hooks?: Record<string, (signal: AbortSignal) => Promise<HookResult>>) {
  const { project, errors } = inspectFiles({ 'conf/p.yml': yaml });
  expect(errors).toEqual([]);
  const pipeline = project.pipelines.get('p')!;
  const clock = new FakeClock('2025-01-01T00:00:00Z');
  const dir = tmpDir();
  const store = openStore(dir);
  const transport = new FakeTransport(clock, hooks);
  const run: RunRecord = { id: 'r1', pipeline: 'p', status: 'running', params: {}, release: null, attempt: 1, trigger: 'manual', parentRunId: null, startedAt: new Date(clock.now()).toISOString(), endedAt: null, error: null, pid: process.pid };
  store.createRun(run);
  const events: RunEvent[] = [];
  const opts = (o: Partial<RunLoopOptions> = {}): RunLoopOptions => ({
    pipeline, run, params: {}, secretParams: [], secrets: [], store, transport, registry: [], maxParallel: 8, clock, onEvent: (e) => events.push(e), ...o,
  });
  return { clock, store, transport, events, opts, dir };
}

/** Drives the fake clock until the run settles (no real waiting). */
async function finish(clock: FakeClock, p: Promise<RunRecord>, stepMs = 100, maxMs = 600_000): Promise<RunRecord> {
  let done: RunRecord | undefined;
  let failure: unknown;
  p.then((r) => (done = r), (e) => (failure = e));
  for (let t = 0; t < maxMs && !done && !failure; t += stepMs) await clock.advance(stepMs);
  if (failure) throw failure;
  if (!done) throw new Error('the run did not settle');
  // Let the write-ahead flush (a real 25 ms timer) deliver the last events.
  await new Promise((r) => setTimeout(r, 60));
  return done;
}

const stageRows = (store: Store) => store.getStages('r1');

describe('run loop (fake clock, fake transport)', () => {
  it('retries a stage with exponential delays on the injected clock', async () => {
    const s = setup(`p:\n  type: Pipeline\n  jobs:\n    j:\n      stages:\n        - retry: {attempts: 3, delay: 10m, backoff: exponential}\n          run: exit 1\n`);
    const run = await finish(s.clock, runLoop(s.opts()), 1000, 3_600_000);
    expect(run.status).toBe('failed');
    const starts = s.transport.started.map((x) => x.at - s.transport.started[0]!.at);
    expect(starts).toEqual([0, 10 * 60_000, 30 * 60_000]);
    expect(s.store.getAttempts('r1').filter((a) => a.stagePath === '0').map((a) => a.status)).toEqual(['failed', 'failed', 'failed']);
  });

  it('keeps every attempt of a retried stage, started in one write batch or in several, and an attempt row only for the ones a later attempt replaced', async () => {
    // Stage 0 fails twice with no delay (its attempts land in one batch), stage 1 fails three times
    // minutes apart (one batch each), stage 2 runs once.
    const s = setup(
      `p:\n  type: Pipeline\n  jobs:\n    j:\n      stages:\n        - retry: {attempts: 2, delay: 0s}\n          run: exit 3\n          continue-on-error: true\n        - retry: {attempts: 3, delay: 1m}\n          run: exit 4\n          continue-on-error: true\n        - run: echo done\n`,
    );
    const run = await finish(s.clock, runLoop(s.opts()), 1000, 3_600_000);
    expect(run.status).toBe('success');
    const attempts = s.store.getAttempts('r1').filter((a) => a.stagePath !== '');
    expect(attempts.map((a) => [a.stagePath, a.attempt, a.status, a.error?.message ?? null])).toEqual([
      ['0', 1, 'failed', 'script exited with code 3'],
      ['0', 2, 'failed', 'script exited with code 3'],
      ['1', 1, 'failed', 'script exited with code 4'],
      ['1', 2, 'failed', 'script exited with code 4'],
      ['1', 3, 'failed', 'script exited with code 4'],
      ['2', 1, 'success', null],
    ]);
    expect(stageRows(s.store).map((r) => [r.path, r.attempt])).toEqual([['0', 2], ['1', 3], ['2', 1]]);
    const raw = new Database(path.join(s.dir, STORE_FILE), { readonly: true });
    try {
      const rows = raw.prepare(`SELECT stage_path, attempt FROM attempts WHERE run_id = 'r1' AND stage_path <> '' ORDER BY stage_path, attempt`).all();
      expect(rows).toEqual([{ stage_path: '0', attempt: 1 }, { stage_path: '1', attempt: 1 }, { stage_path: '1', attempt: 2 }]);
    } finally {
      raw.close();
    }
  });

  it('keeps the attempts of a stage whose job runs again: the job\'s next attempt numbers its stages from 1, and the latest of a number wins', async () => {
    let calls = 0;
    const flaky = async (): Promise<HookResult> => (++calls <= 2 ? { outputs: null, error: { name: 'WfError', code: 'E_STAGE', message: `fail ${calls}` }, logs: [] } : { outputs: { calls }, error: null, logs: [] });
    for (const delay of ['0s', '1m']) {
      calls = 0;
      const s = setup(`p:\n  type: Pipeline\n  jobs:\n    j:\n      retry: {attempts: 2, delay: ${delay}}\n      stages:\n        - retry: {attempts: 2, delay: ${delay}}\n          uses: h/flaky\n`, { 'h/flaky': flaky });
      const run = await finish(s.clock, runLoop(s.opts()), 1000, 3_600_000);
      expect(run.status, delay).toBe('success');
      expect(stageRows(s.store).map((r) => [r.path, r.attempt, r.status])).toEqual([['0', 1, 'success']]);
      expect(s.store.getAttempts('r1').filter((a) => a.stagePath === '0').map((a) => [a.attempt, a.status, a.error?.message ?? null]), delay).toEqual([
        [1, 'success', null],
        [2, 'failed', 'fail 2'],
      ]);
      expect(s.store.getAttempts('r1').filter((a) => a.stagePath === '').map((a) => [a.attempt, a.status])).toEqual([[1, 'failed'], [2, 'success']]);
    }
  });

  it('times a stage out on the injected clock and records E_TIMEOUT', async () => {
    const s = setup(`p:\n  type: Pipeline\n  jobs:\n    j:\n      stages:\n        - timeout: 5m\n          run: sleep 3600\n        - run: echo after\n          if: always()\n`);
    const run = await finish(s.clock, runLoop(s.opts()), 10_000, 7_200_000);
    expect(run.status).toBe('failed');
    expect(run.endedAt).toBe('2025-01-01T00:05:00.000Z');
    const rows = stageRows(s.store);
    expect(rows[0]!.error?.code).toBe('E_TIMEOUT');
    expect(rows[1]!.status).toBe('success');
  });

  it('stops sibling cells on fail-fast, hooks included', async () => {
    let hookAborted = false;
    const s = setup(
      `p:\n  type: Pipeline\n  jobs:\n    m:\n      strategy:\n        matrix: {i: [1, 2, 3]}\n        fail-fast: true\n      stages:\n        - if: \${{ matrix.i == 1 }}\n          run: sleep 1; exit 1\n        - if: \${{ matrix.i == 2 }}\n          uses: h/wait\n        - if: \${{ matrix.i == 3 }}\n          run: sleep 3600\n`,
      { 'h/wait': (signal) => new Promise((resolve) => signal.addEventListener('abort', () => ((hookAborted = true), resolve({ outputs: null, error: { name: 'WfError', code: 'E_STAGE', message: 'stopped' }, logs: [] })))) },
    );
    const run = await finish(s.clock, runLoop(s.opts()), 500);
    expect(run.status).toBe('failed');
    expect(hookAborted).toBe(true);
    const jobs = Object.fromEntries(s.store.getJobs('r1').map((j) => [j.key, j.status]));
    expect(jobs).toEqual({ 'm (1)': 'failed', 'm (2)': 'cancelled', 'm (3)': 'cancelled' });
  });

  it('honours max-parallel per job and for the run', async () => {
    const s = setup(`p:\n  type: Pipeline\n  jobs:\n    m:\n      strategy:\n        matrix: {i: [1, 2, 3, 4, 5, 6]}\n        max-parallel: 2\n      stages:\n        - run: sleep 10\n    n:\n      strategy:\n        matrix: {i: [1, 2, 3, 4, 5, 6]}\n      stages:\n        - run: sleep 10\n`);
    await finish(s.clock, runLoop(s.opts({ maxParallel: 5 })), 1000);
    expect(s.transport.maxRunning).toBe(5);
    const m = s.transport.started.filter((x, i) => i < 12);
    expect(m.length).toBe(12);
  });

  it('runs a 10,000-job chain to the end with linear work (no recursion)', async () => {
    const s = setup(`p:\n  type: Pipeline\n  jobs:\n    j0:\n      stages:\n        - run: exit 1\n    j1:\n      needs: [j0]\n      stages:\n        - echo: x\n`);
    // The loader has its own tests; build the 10,000 jobs from the compiled model directly.
    const base = s.opts();
    const [first, next] = base.pipeline.jobs;
    const jobs = [first!, ...Array.from({ length: 9_999 }, (_, i) => ({ ...next!, id: `j${i + 1}`, needs: [`j${i}`] }))];
    const started = Date.now();
    const run = await finish(s.clock, runLoop({ ...base, pipeline: { ...base.pipeline, jobs } }), 10);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(run.status).toBe('failed');
    const stored = s.store.getJobs('r1');
    expect(stored.filter((j) => j.status === 'upstream_failed')).toHaveLength(9_999);
  }, 60_000);

  it('shows nothing before it is stored (write-ahead)', async () => {
    const s = setup(`p:\n  type: Pipeline\n  jobs:\n    j:\n      stages:\n        - id: a\n          run: echo x\n        - run: sleep 1\n`);
    const checked: string[] = [];
    const run = runLoop(s.opts({
      onEvent: (e) => {
        if (e.type === 'stage-end') {
          const row = stageRows(s.store).find((r) => r.path === e.path);
          checked.push(`${e.path}:${row?.status}`);
        }
      },
    }));
    await finish(s.clock, run, 100);
    expect(checked).toEqual(['0:success', '1:success']);
  });

  it('cancels through the store (wf cancel from another process)', async () => {
    const s = setup(`p:\n  type: Pipeline\n  jobs:\n    j:\n      stages:\n        - run: sleep 3600\n    k:\n      needs: [j]\n      stages:\n        - run: exit 0\n`);
    const p = runLoop(s.opts());
    await s.clock.advance(2000);
    s.store.requestCancel('r1');
    const run = await finish(s.clock, p, 100);
    expect(run.status).toBe('cancelled');
    expect(s.store.getJobs('r1').map((j) => j.status).sort()).toEqual(['cancelled', 'cancelled']);
    expect(s.store.getRun('r1')!.status).toBe('cancelled');
  });

  it('stops the run and its processes when the store fails (a full disk), and says so', async () => {
    const s = setup(`p:\n  type: Pipeline\n  jobs:\n    j:\n      stages:\n        - run: sleep 3600\n`);
    let broken = false;
    const failing: Store = new Proxy(s.store, {
      get(target, prop, receiver) {
        if (prop === 'apply') {
          return (ops: Parameters<Store['apply']>[0]) => {
            if (broken) throw new Error('SQLITE_FULL: database or disk is full');
            return target.apply(ops);
          };
        }
        return Reflect.get(target, prop, receiver);
      },
    });
    const p = runLoop(s.opts({ store: failing }));
    await s.clock.advance(1000);
    expect(s.transport.running).toBe(1);
    broken = true;
    await expect(finish(s.clock, p, 100)).rejects.toThrow(/disk is full/);
    expect(s.transport.running).toBe(0);
  });
});
