import type { SerializedWfError } from '../errors/index.js';
import type { JobRecord, NodeStatus, RunRecord, StageRecord } from '../store/types.js';
import type { JobEvent } from './protocol.js';
import type { RunEvent, RunEventListener } from './run-events.js';
import type { StoreWriter } from './store-writer.js';

/**
 * The one way a run reports: each state change is written (row + attempt row + event) and shown
 * to the listener only after its batch has committed (write-ahead).
 */
export class RunRecorder {
  private readonly jobs = new Map<string, JobRecord>();
  private readonly stageStarts = new Map<string, { name: string; ts: number; id: string | null; kind: string }>();

  constructor(
    private readonly runId: string,
    private readonly writer: StoreWriter,
    private readonly listener: RunEventListener,
    private readonly iso: (ms: number) => string,
    /** A run continued from the store (`wf retry`, `wf resume`): its stage rows may hold attempts already. */
    private readonly continued = false,
  ) {}

  /** Stores the event and shows it once stored. */
  event(ev: RunEvent): void {
    const { type } = ev;
    const jobKey = 'jobKey' in ev ? ev.jobKey : 'key' in ev ? ev.key : null;
    const stagePath = 'path' in ev ? ev.path : null;
    const ts = 'ts' in ev ? ev.ts : Date.parse(ev.run.endedAt ?? ev.run.startedAt);
    if (ev.type === 'log') {
      this.writer.push({ op: 'event', event: { runId: this.runId, ts: this.iso(ts), type, jobKey, stagePath, stream: ev.stream, text: ev.text, data: null } });
    } else {
      const data = ev.type === 'run-end' ? { status: ev.run.status, error: ev.run.error } : ev.type === 'run-start' ? { pipeline: ev.run.pipeline, attempt: ev.run.attempt } : (ev as unknown as Record<string, unknown>);
      this.writer.push({ op: 'event', event: { runId: this.runId, ts: this.iso(ts), type, jobKey, stagePath, stream: null, text: null, data } });
    }
    this.writer.afterCommit(() => this.listener(ev));
  }

  run(patch: Partial<RunRecord>): void {
    this.writer.push({ op: 'run-update', id: this.runId, patch });
  }

  job(key: string, jobId: string, patch: Partial<JobRecord>): JobRecord {
    const rec: JobRecord = { ...(this.jobs.get(key) ?? { runId: this.runId, key, jobId, matrix: null, status: 'pending', startedAt: null, endedAt: null, outputs: null, error: null, attempt: 1 }), ...patch };
    this.jobs.set(key, rec);
    this.writer.push({ op: 'job', job: rec });
    return rec;
  }

  /** A job instance attempt: its own row (stage path ''), beside the job row showing the latest. */
  jobAttempt(rec: JobRecord): void {
    this.writer.push({ op: 'attempt', attempt: { runId: this.runId, jobKey: rec.key, stagePath: '', attempt: rec.attempt ?? 1, status: rec.status, startedAt: rec.startedAt, endedAt: rec.endedAt, outputs: rec.outputs, error: rec.error } });
  }

  jobRecord(key: string): JobRecord | undefined {
    return this.jobs.get(key);
  }

  allJobs(): JobRecord[] {
    return [...this.jobs.values()];
  }

  /** Seeds a job record kept from an earlier attempt of the run (`wf retry`). */
  keep(rec: JobRecord): void {
    this.jobs.set(rec.key, rec);
  }

  /** One stage event from a job runner: stage row, attempt row, stored event, then shown. */
  stage(jobKey: string, ev: JobEvent): void {
    const id = `${jobKey}\0${ev.path}`;
    switch (ev.t) {
      case 'stage-start': {
        // The stage row is about to show another attempt (a retry, a job's next attempt, a loop's
        // next pass, the run's next attempt): the one it shows, if it ended, gets its own row.
        if (this.continued || this.stageStarts.has(id)) this.writer.push({ op: 'attempt-keep', runId: this.runId, jobKey, stagePath: ev.path });
        this.stageStarts.set(id, { name: ev.name, ts: ev.ts, id: ev.id, kind: ev.kind });
        this.writeStage({ runId: this.runId, jobKey, path: ev.path, stageId: ev.id, name: ev.name, kind: ev.kind, status: 'running', startedAt: this.iso(ev.ts), endedAt: null, outputs: null, error: null, attempt: ev.attempt });
        this.event({ type: 'stage-start', jobKey, path: ev.path, name: ev.name, kind: ev.kind, ts: ev.ts, attempt: ev.attempt });
        return;
      }
      case 'stage-end': {
        const start = this.stageStarts.get(id);
        const name = start?.name ?? ev.path;
        this.writeStage({ runId: this.runId, jobKey, path: ev.path, stageId: start?.id ?? null, name, kind: start?.kind ?? '', status: ev.status, startedAt: start ? this.iso(start.ts) : null, endedAt: this.iso(ev.ts), outputs: ev.outputs, error: ev.error, attempt: ev.attempt });
        this.event({ type: 'stage-end', jobKey, path: ev.path, name, status: ev.status, error: ev.error, outputs: ev.outputs, ts: ev.ts, durationMs: start ? ev.ts - start.ts : 0, attempt: ev.attempt, reused: ev.reused });
        return;
      }
      case 'log':
        this.event({ type: 'log', jobKey, path: ev.path, stream: ev.stream, text: ev.text, ts: ev.ts });
    }
  }

  /**
   * The stage row shows the latest attempt, which getAttempts reads from it once it has ended; an
   * earlier attempt gets a row of its own when the next one starts ('attempt-keep'). One row a
   * stage instead of two: the store's largest cost for short stages.
   */
  private writeStage(s: StageRecord): void {
    this.writer.push({ op: 'stage', stage: s });
  }

  jobEnd(key: string, jobId: string, status: NodeStatus, error: SerializedWfError | null, ts: number, durationMs: number, reason?: string, attempt?: number): void {
    this.event({ type: 'job-end', key, jobId, status, error, reason, ts, durationMs, attempt });
  }
}
