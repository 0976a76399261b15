import { randomBytes } from 'node:crypto';
import { existsSync, watch, type FSWatcher } from 'node:fs';
import { hostname } from 'node:os';
import { sleep, systemClock, type Clock } from '../clock/index.js';
import { describeThrown, WfErrors } from '../errors/index.js';
import { createPool, type WorkerPool } from '../executor/pool.js';
import { recoverInterrupted } from '../executor/recover.js';
import { SHUTDOWN } from '../executor/run-loop.js';
import type { RunEventListener } from '../executor/run-events.js';
import { openStore, processStart, runOwnerAlive, HEARTBEAT_MS, type RunRecord, type Store } from '../store/index.js';
import type { Locations } from '../api/options.js';
import { cronSchedule } from './cron.js';
import { decide } from './decide.js';
import { afterMatches, schedulesOf, type Schedule } from './schedules.js';

export type SchedulerLog = (level: 'info' | 'warn' | 'error', text: string) => void;

export interface SchedulerOptions {
  locations: Locations;
  clock?: Clock;
  maxParallel?: number;
  log?: SchedulerLog;
  /** Every event of every run it releases (tests, benchmarks, a live view). */
  onEvent?: RunEventListener;
}

export interface Release {
  pipeline: string;
  schedule: string;
  instant: string;
  runId: string | null;
  status: string;
}

/** Conf/ is checked for edits at least this often (besides file-change events and SIGHUP). */
const RELOAD_CHECK_MS = 60_000;
/** After a store change, `after:` schedules are looked at once the writes settle. */
const AFTER_DEBOUNCE_MS = 150;

/**
 * The scheduler: every (pipeline, schedule)'s next release, a sleep until the earliest (on the
 * injected clock; no polling loop), and each due release claimed in the transaction that creates
 * its run, so a restart or a second scheduler on the same store never starts it twice.
 * States: starting → running → draining → stopped.
 */
export class Scheduler {
  state: 'starting' | 'running' | 'draining' | 'stopped' = 'starting';
  private readonly clock: Clock;
  private readonly log: SchedulerLog;
  private store!: Store;
  private pool!: WorkerPool;
  private schedules: Schedule[] = [];
  private readonly running = new Set<{ done: Promise<void>; abort: AbortController }>();
  /** Per pipeline, the chain of queued starts (concurrency: queue/replace) and runs started here. */
  private readonly chains = new Map<string, Promise<void>>();
  private readonly active = new Map<string, number>();
  private timers: Array<() => void> = [];
  private watchers: FSWatcher[] = [];
  private afterTimer: NodeJS.Timeout | undefined;
  private confSignature = '';
  private readonly id = randomBytes(6).toString('hex');
  private readonly startedAt: string;

  constructor(private readonly o: SchedulerOptions) {
    this.clock = o.clock ?? systemClock;
    this.log = o.log ?? (() => {});
    this.startedAt = new Date(this.clock.now()).toISOString();
  }

  /** Opens the store, recovers what a dead scheduler left, and loads conf/ (a broken conf/ throws). */
  async open(): Promise<void> {
    this.store = openStore(this.o.locations.state, { now: () => new Date(this.clock.now()) });
    const interrupted = recoverInterrupted(this.store);
    if (interrupted.length > 0) this.log('warn', `marked ${interrupted.length} run(s) left running by a dead process interrupted: ${interrupted.join(', ')}`);
    this.pool = createPool();
    const errors = await this.reload(true);
    if (errors) throw errors;
  }

  get scheduleList(): readonly Schedule[] {
    return this.schedules;
  }

  /** Loads conf/; on a broken edit, reports it and keeps the last good definitions. */
  async reload(first = false): Promise<WfErrors | null> {
    const { inspectProject } = await import('../loader/load-project.js');
    const { project, errors } = inspectProject({ conf: this.o.locations.conf });
    if (errors.length > 0) {
      const e = new WfErrors(errors);
      if (!first) this.log('error', `conf/ has ${errors.length} problem(s); keeping the last good definitions:\n${errors.map((x) => `  ${x.loc ? `${x.loc.file}:${x.loc.line}:${x.loc.col}  ` : ''}${x.code}  ${x.message}`).join('\n')}`);
      if (first) return e;
      return null;
    }
    const before = this.schedules.map((s) => s.key + s.pipeline).join('|');
    this.schedules = [...project.pipelines.values()].flatMap(schedulesOf);
    if (!first && before !== this.schedules.map((s) => s.key + s.pipeline).join('|')) this.log('info', `conf/ reloaded: ${this.schedules.length} schedule(s)`);
    if (!first) {
      // Hooks may have changed too: new runs get fresh threads (module caches are per thread).
      const old = this.pool;
      this.pool = createPool();
      void Promise.allSettled([...this.running].map((r) => r.done)).then(() => old.close());
    }
    return null;
  }

  /** The releases due at `now` (UTC ms): claimed and started; resolves when they are started. */
  async evaluate(now: number): Promise<Release[]> {
    const releases: Release[] = [];
    const iso = new Date(now).toISOString();
    for (const s of this.schedules) {
      try {
        if (s.kind === 'cron') await this.evaluateCron(s, now, iso, releases);
        else await this.evaluateAfter(s, iso, releases);
      } catch (e) {
        this.log('error', `${s.pipeline} (${s.key}): ${describeThrown(e)}`);
      }
    }
    return releases;
  }

  private async evaluateCron(s: Extract<Schedule, { kind: 'cron' }>, now: number, iso: string, releases: Release[]): Promise<void> {
    // A schedule seen for the first time starts now: nothing before it is owed.
    const last = this.store.scheduleState(s.pipeline, s.key) ?? new Date(now - 1).toISOString();
    const { fires, skipped } = cronSchedule(s.cron, s.timezone).between(new Date(last), new Date(now));
    for (const k of skipped) this.skip(s, k.instant, k.reason, releases);
    const d = decide(fires, now, s.policy);
    for (const k of d.skip) this.skip(s, k.fire.instant, k.reason, releases);
    // Catch-up releases of one wake run one after another, whatever the concurrency policy.
    for (const [i, f] of d.run.entries()) releases.push(await this.launch(s, f.instant, f.local, {}, i > 0));
    this.store.advanceSchedule(s.pipeline, s.key, iso);
  }

  private async evaluateAfter(s: Extract<Schedule, { kind: 'after' }>, iso: string, releases: Release[]): Promise<void> {
    const last = this.store.scheduleState(s.pipeline, s.key);
    if (last === null) {
      this.store.advanceSchedule(s.pipeline, s.key, iso); // runs that ended before this schedule existed are not owed
      return;
    }
    let upTo = last;
    for (const up of this.store.runsEndedSince(s.upstream, last)) {
      upTo = up.endedAt ?? upTo;
      if (!afterMatches(s.status, up.status)) continue;
      const outputs: Record<string, Record<string, unknown>> = {};
      for (const j of this.store.getJobs(up.id)) outputs[j.jobId] = { ...outputs[j.jobId], ...(j.outputs ?? {}) };
      const trigger = { run_id: up.id, pipeline: up.pipeline, status: up.status, outputs };
      releases.push(await this.launch(s, up.id, null, { trigger }));
    }
    this.store.advanceSchedule(s.pipeline, s.key, upTo);
  }

  private skip(s: Schedule, instant: string, reason: string, releases: Release[]): void {
    if (this.store.recordSkip({ pipeline: s.pipeline, scheduleKey: s.key, instant, reason })) {
      this.log('warn', `${s.pipeline} ${instant}: skipped: ${reason}`);
      releases.push({ pipeline: s.pipeline, schedule: s.key, instant, runId: null, status: `skipped: ${reason}` });
    }
  }

  /** Applies `concurrency`, then claims and starts the run (in the background). */
  private async launch(s: Schedule, instant: string, release: string | null, context: Record<string, unknown>, catchUp = false): Promise<Release> {
    const base = { pipeline: s.pipeline, schedule: s.key, instant };
    const others = this.runningRuns(s.pipeline);
    const mine = this.active.get(s.pipeline) ?? 0;
    const policy = catchUp && s.policy.concurrency !== 'allow' ? 'queue' : s.policy.concurrency;
    if (policy === 'forbid' && (others.length > 0 || mine > 0)) {
      const reason = `a run of ${s.pipeline} is still running${others[0] ? ` (${others[0].id})` : ''} (concurrency: forbid)`;
      this.skip(s, instant, reason, []);
      return { ...base, runId: null, status: `skipped: ${reason}` };
    }
    if (policy === 'replace') for (const r of others) this.store.requestCancel(r.id);
    const wait = policy === 'queue' || policy === 'replace' ? (this.chains.get(s.pipeline) ?? Promise.resolve()) : Promise.resolve();
    const abort = new AbortController();
    let resolveStarted: (r: Release) => void = () => {};
    const started = new Promise<Release>((resolve) => (resolveStarted = resolve));
    const done = (async () => {
      await wait;
      if (policy === 'queue' || policy === 'replace') await this.untilIdle(s.pipeline, abort.signal);
      if (abort.signal.aborted) return resolveStarted({ ...base, runId: null, status: 'not started: the scheduler stopped' });
      this.active.set(s.pipeline, (this.active.get(s.pipeline) ?? 0) + 1);
      try {
        const { prepareRun, startRun } = await import('../api/run.js');
        const prepared = await prepareRun({ ...this.o.locations, pipeline: s.pipeline, release, pool: this.pool, clock: this.clock });
        const outcome = await startRun(prepared, {
          store: this.store, pool: this.pool, clock: this.clock, maxParallel: this.o.maxParallel, trigger: 'schedule',
          claim: { scheduleKey: s.key, instant }, context, signal: abort.signal,
          onEvent: (e) => {
            this.o.onEvent?.(e);
            if (e.type === 'run-start') {
              this.log('info', `released ${s.pipeline} ${release ?? `after ${instant}`}: run ${e.run.id}`);
              resolveStarted({ ...base, runId: e.run.id, status: 'started' });
            }
          },
        });
        if (!outcome.claimed) resolveStarted({ ...base, runId: null, status: 'already released by another scheduler' });
        else this.log(outcome.run.status === 'success' ? 'info' : 'warn', `${s.pipeline} run ${outcome.run.id} ${outcome.run.status}`);
      } catch (e) {
        const reason = `cannot start: ${describeThrown(e)}`;
        this.skip(s, instant, reason, []);
        resolveStarted({ ...base, runId: null, status: `skipped: ${reason}` });
      } finally {
        this.active.set(s.pipeline, (this.active.get(s.pipeline) ?? 1) - 1);
      }
    })();
    const entry = { done: done.then(() => {}), abort };
    this.running.add(entry);
    void entry.done.finally(() => this.running.delete(entry));
    this.chains.set(s.pipeline, entry.done);
    return started;
  }

  /** Runs of `pipeline` running now (any process; runs whose owner died do not count). */
  private runningRuns(pipeline: string): RunRecord[] {
    return this.store.listRuns({ pipeline, status: 'running', limit: 100 }).filter((r) => runOwnerAlive(r, this.clock.now()));
  }

  private async untilIdle(pipeline: string, signal: AbortSignal): Promise<void> {
    while (!signal.aborted && (this.runningRuns(pipeline).length > 0 || (this.active.get(pipeline) ?? 0) > 0)) {
      await sleep(this.clock, 500, signal).catch(() => {});
    }
  }

  /** Waits for every run this scheduler started. */
  async settle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running].map((r) => r.done));
  }

  /** The daemon: logs the next releases, sleeps until the earliest, releases, repeats. */
  start(): void {
    this.state = 'running';
    this.startStates();
    this.beat();
    const SHOWN = 20;
    for (const line of this.upcoming(new Date(this.clock.now()), 3, SHOWN)) this.log('info', line);
    if (this.schedules.length > SHOWN) this.log('info', `… and ${this.schedules.length - SHOWN} more schedule(s): see 'wf list'`);
    this.arm();
    this.every(HEARTBEAT_MS, () => this.beat());
    this.every(RELOAD_CHECK_MS, () => void this.reloadIfChanged());
    this.watch();
  }

  /**
   * A schedule seen for the first time starts now: its first wake (a timer fires a few ms after
   * the instant) then finds that instant due. after: schedules count runs that end from now on.
   */
  private startStates(): void {
    const now = new Date(this.clock.now()).toISOString();
    for (const s of this.schedules) if (this.store.scheduleState(s.pipeline, s.key) === null) this.store.advanceSchedule(s.pipeline, s.key, now);
  }

  /** The next `n` releases of each schedule, for the log at start. */
  upcoming(from: Date, n: number, max = Infinity): string[] {
    const lines: string[] = [];
    for (const s of this.schedules.slice(0, max)) {
      if (s.kind === 'after') lines.push(`${s.pipeline}: after each ${s.status === 'any' ? '' : `${s.status} `}run of ${s.upstream}`);
      else {
        const fires = cronSchedule(s.cron, s.timezone).between(from, new Date(from.getTime() + 400 * 86_400_000), n).fires;
        lines.push(`${s.pipeline} (${s.cron} ${s.timezone}): next ${fires.map((f) => f.local).join(', ') || 'never'}`);
      }
    }
    return lines;
  }

  private every(ms: number, fn: () => void): void {
    const tick = () => {
      if (this.state !== 'running') return;
      fn();
      this.timers.push(this.clock.setTimer(tick, ms));
    };
    this.timers.push(this.clock.setTimer(tick, ms));
  }

  /** Sleeps until the earliest next release (long sleeps are chunked by the clock; late wakes catch up). */
  private arm(): void {
    if (this.state !== 'running') return;
    const now = this.clock.now();
    let next = Infinity;
    for (const s of this.schedules) {
      if (s.kind !== 'cron') continue;
      const f = cronSchedule(s.cron, s.timezone).next(new Date(now));
      if (f) next = Math.min(next, Date.parse(f.instant));
    }
    if (next === Infinity) return;
    const cancel = this.clock.setTimer(() => {
      this.timers = this.timers.filter((t) => t !== cancel);
      void this.wake();
    }, next - now);
    this.timers.push(cancel);
  }

  private async wake(): Promise<void> {
    if (this.state !== 'running') return;
    const now = this.clock.now();
    await this.evaluate(now);
    this.arm();
  }

  private beat(): void {
    const now = new Date(this.clock.now()).toISOString();
    try {
      this.store.beatScheduler({ id: this.id, host: hostname(), pid: process.pid, start: processStart(process.pid), startedAt: this.startedAt, heartbeatAt: now, stoppedAt: this.state === 'stopped' ? now : null });
    } catch (e) {
      this.log('error', `heartbeat: ${describeThrown(e)}`);
    }
  }

  private watch(): void {
    const { conf, state } = this.o.locations;
    let confTimer: NodeJS.Timeout | undefined;
    try {
      this.watchers.push(
        watch(conf, { recursive: true }, () => {
          clearTimeout(confTimer);
          confTimer = setTimeout(() => void this.reloadIfChanged(), 200);
        }),
      );
    } catch (e) {
      this.log('warn', `cannot watch ${conf} (${describeThrown(e)}); conf/ is checked every minute`);
    }
    // Another process's run ending is a write to the store: look at after: schedules then.
    if (this.schedules.some((s) => s.kind === 'after') && existsSync(state)) {
      try {
        this.watchers.push(
          watch(state, () => {
            if (this.afterTimer) return;
            this.afterTimer = setTimeout(() => {
              this.afterTimer = undefined;
              if (this.state === 'running') void this.evaluateAfters();
            }, AFTER_DEBOUNCE_MS);
          }),
        );
      } catch (e) {
        this.log('warn', `cannot watch ${state}: ${describeThrown(e)}`);
      }
    }
  }

  private async evaluateAfters(): Promise<void> {
    const releases: Release[] = [];
    const iso = new Date(this.clock.now()).toISOString();
    for (const s of this.schedules) if (s.kind === 'after') await this.evaluateAfter(s, iso, releases).catch((e: unknown) => this.log('error', describeThrown(e)));
  }

  private async reloadIfChanged(): Promise<void> {
    const { readdirSync, statSync } = await import('node:fs');
    const { join } = await import('node:path');
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.isFile()) {
          const st = statSync(p);
          files.push(`${p}:${st.mtimeMs}:${st.size}`);
        }
      }
    };
    try {
      walk(this.o.locations.conf);
      for (const r of this.o.locations.registry) if (existsSync(r)) walk(r);
    } catch {
      return;
    }
    const signature = files.sort().join('\n');
    if (signature === this.confSignature) return;
    const first = this.confSignature === '';
    this.confSignature = signature;
    if (first) return;
    await this.reload();
    this.startStates();
    for (const t of this.timers.splice(0)) t();
    this.arm();
    this.every(HEARTBEAT_MS, () => this.beat());
    this.every(RELOAD_CHECK_MS, () => void this.reloadIfChanged());
  }

  /** Records the signature of conf/ as loaded (so the first check does not reload). */
  async snapshotConf(): Promise<void> {
    await this.reloadIfChanged();
  }

  /**
   * Stops releasing; lets running runs finish within `graceMs`; the rest are stopped and recorded
   * `interrupted`. Resolves once everything is recorded.
   */
  async close(graceMs: number): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'draining';
    for (const t of this.timers.splice(0)) t();
    for (const w of this.watchers.splice(0)) w.close();
    clearTimeout(this.afterTimer);
    if (this.running.size > 0) {
      this.log('info', `stopping: waiting up to ${Math.round(graceMs / 1000)}s for ${this.running.size} run(s)`);
      const all = this.settle();
      let timedOut = false;
      const cancelTimer = this.clock.setTimer(() => (timedOut = true), graceMs);
      await Promise.race([all, new Promise<void>((r) => this.clock.setTimer(r, graceMs))]);
      cancelTimer();
      if (timedOut || this.running.size > 0) {
        for (const r of this.running) r.abort.abort(SHUTDOWN);
        await all;
      }
    }
    this.state = 'stopped';
    if (this.store) {
      this.beat();
      this.store.close();
    }
    await this.pool?.close();
  }
}

