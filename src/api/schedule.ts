import { systemClock, type Clock } from '../clock/index.js';
import { WfError } from '../errors/index.js';
import { recoverInterrupted } from '../executor/recover.js';
import { runLimited } from '../executor/stages/limited.js';
import { loadProject } from '../loader/index.js';
import { cronSchedule } from '../scheduler/cron.js';
import { schedulesOf } from '../scheduler/schedules.js';
import { Scheduler, type Release, type SchedulerLog } from '../scheduler/scheduler.js';
import { openStore, runOwnerAlive, STALE_HEARTBEAT_MS, type SchedulerRecord } from '../store/index.js';
import type { Locations } from './options.js';

export interface ScheduleOptions extends Locations {
  clock?: Clock;
  maxParallel?: number;
  log?: SchedulerLog;
}

/**
 * `wf schedule`: starts the daemon; resolves with it running (call `close(grace)` to stop it).
 * @example const s = await startScheduler({ ...resolveLocations(), log: console.log }); await s.close(30_000);
 */
export async function startScheduler(o: ScheduleOptions): Promise<Scheduler> {
  const scheduler = new Scheduler({ locations: o, clock: o.clock, maxParallel: o.maxParallel, log: o.log });
  await scheduler.open();
  await scheduler.snapshotConf();
  scheduler.start();
  return scheduler;
}

/**
 * `wf schedule --once [--at ISO]`: releases what is due at that instant, waits for the runs, returns.
 * @example await scheduleOnce({ ...resolveLocations(), at: new Date('2025-01-01T02:00:00Z') })
 */
export async function scheduleOnce(o: ScheduleOptions & { at?: Date }): Promise<Release[]> {
  const scheduler = new Scheduler({ locations: o, clock: o.clock, maxParallel: o.maxParallel, log: o.log });
  await scheduler.open();
  try {
    const releases = await scheduler.evaluate((o.at ?? new Date((o.clock ?? systemClock).now())).getTime());
    await scheduler.settle();
    return releases;
  } finally {
    await scheduler.close(0);
  }
}

export interface PlannedRelease {
  pipeline: string;
  schedule: string;
  instant: string;
  local: string | null;
  action: 'run' | 'skip';
  reason?: string;
}

/**
 * `wf schedule --plan`: every release in `[from, to]` under the current schedules and their zones
 * (DST-skipped wall times included, with their reason), without running anything.
 */
export function planSchedule(o: Pick<Locations, 'conf'> & { from: Date; to: Date; pipeline?: string }): PlannedRelease[] {
  if (!(o.to.getTime() >= o.from.getTime())) throw new WfError('E_USAGE', '--to must not be before --from', { hint: 'e.g. --from 2025-01-01T00:00:00Z --to 2025-01-02T00:00:00Z' });
  const project = loadProject({ conf: o.conf });
  const out: PlannedRelease[] = [];
  for (const p of project.pipelines.values()) {
    if (o.pipeline && p.name !== o.pipeline) continue;
    for (const s of schedulesOf(p)) {
      if (s.kind !== 'cron') continue;
      const { fires, skipped } = cronSchedule(s.cron, s.timezone).between(new Date(o.from.getTime() - 1), o.to);
      for (const f of fires) out.push({ pipeline: p.name, schedule: s.key, instant: f.instant, local: f.local, action: 'run' });
      for (const k of skipped) out.push({ pipeline: p.name, schedule: s.key, instant: k.instant, local: null, action: 'skip', reason: k.reason });
    }
  }
  return out.sort((a, b) => a.instant.localeCompare(b.instant) || a.pipeline.localeCompare(b.pipeline));
}

export interface BackfillOptions extends Locations {
  pipeline: string;
  from: Date;
  to: Date;
  maxParallel?: number;
  force?: boolean;
  plan?: boolean;
  clock?: Clock;
  log?: SchedulerLog;
}

/**
 * `wf backfill`: runs each release of the pipeline's cron schedules in `[from, to]` that has not
 * been released (already recorded ones are skipped; `--force` runs them again), `maxParallel` at once.
 */
export async function backfill(o: BackfillOptions): Promise<Array<PlannedRelease & { runId?: string; status?: string }>> {
  const planned = planSchedule({ conf: o.conf, from: o.from, to: o.to, pipeline: o.pipeline }).filter((r) => r.action === 'run');
  const project = loadProject({ conf: o.conf, only: [o.pipeline] });
  if (!project.pipelines.has(o.pipeline)) {
    throw new WfError('E_UNKNOWN_TEMPLATE', `no pipeline named '${o.pipeline}'`, { hint: "see 'wf list'" });
  }
  if (planned.length === 0 && schedulesOf(project.pipelines.get(o.pipeline)!).every((s) => s.kind !== 'cron')) {
    throw new WfError('E_USAGE', `pipeline '${o.pipeline}' has no cron schedule to backfill`, { hint: 'add on: [{cron: "0 2 * * *"}]' });
  }
  const store = openStore(o.state);
  try {
    recoverInterrupted(store);
    const done = new Map(store.listReleases(o.pipeline).map((r) => [`${r.scheduleKey}\0${r.instant}`, r]));
    const rows = planned.map((r) => {
      const prior = done.get(`${r.schedule}\0${r.instant}`);
      return prior && !o.force ? { ...r, action: 'skip' as const, reason: prior.runId ? `already released (run ${prior.runId})` : `recorded as skipped: ${prior.reason ?? ''}` } : r;
    });
    if (o.plan) return rows;
    const { prepareRun, startRun } = await import('./run.js');
    const { createPool } = await import('../executor/pool.js');
    const pool = createPool();
    try {
      const results = await runLimited(
        rows,
        o.maxParallel ?? 1,
        async (r) => {
          if (r.action === 'skip') return r;
          const prepared = await prepareRun({ ...o, pipeline: r.pipeline, release: r.local, pool, clock: o.clock });
          const forced = done.has(`${r.schedule}\0${r.instant}`);
          // A forced re-run is claimed under its own key: the original release stays recorded.
          const claim = { scheduleKey: forced ? `${r.schedule}#backfill@${new Date((o.clock ?? systemClock).now()).toISOString()}` : r.schedule, instant: r.instant };
          const outcome = await startRun(prepared, { store, pool, clock: o.clock, trigger: 'backfill', claim });
          o.log?.(outcome.run.status === 'success' ? 'info' : 'warn', `${r.pipeline} ${r.local}: ${outcome.claimed ? `run ${outcome.run.id} ${outcome.run.status}` : 'already released meanwhile'}`);
          return { ...r, runId: outcome.claimed ? outcome.run.id : undefined, status: outcome.claimed ? outcome.run.status : 'already released' };
        },
        () => false,
        new AbortController().signal,
      );
      return results.filter((x): x is NonNullable<typeof x> => x !== undefined);
    } finally {
      await pool.close();
    }
  } finally {
    store.close();
  }
}

/** Whether a scheduler is alive on this store (for `wf list`). */
export function schedulerStatus(state: string, now = Date.now()): { alive: boolean; scheduler: SchedulerRecord | null } {
  const store = openStore(state, { readonly: true });
  try {
    const live = store.listSchedulers().find((s) => {
      if (s.stoppedAt) return false;
      const fresh = now - Date.parse(s.heartbeatAt) < STALE_HEARTBEAT_MS;
      const run = { owner: { host: s.host, pid: s.pid, start: s.start }, heartbeatAt: s.heartbeatAt, startedAt: s.startedAt, pid: s.pid } as Parameters<typeof runOwnerAlive>[0];
      return fresh && runOwnerAlive(run, now);
    });
    return { alive: Boolean(live), scheduler: live ?? null };
  } catch {
    return { alive: false, scheduler: null };
  } finally {
    store.close();
  }
}

