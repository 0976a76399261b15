import type { Store, StoreOp } from '../store/types.js';

const FLUSH_MS = 25;

/**
 * Write-ahead for everything a run reports: store writes are buffered and applied in one
 * transaction per burst, and a notification (what the screen or a caller is told) is delivered
 * only after the batch holding the state it reports has committed.
 */
export class StoreWriter {
  private ops: StoreOp[] = [];
  private notes: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;
  private failed = false;
  /** Called when a timed flush fails (a timer has no caller to throw to). */
  onError: (error: unknown) => void = () => {};

  constructor(private readonly store: Store) {}

  push(op: StoreOp): void {
    this.ops.push(op);
    this.arm();
  }

  /** Runs `fn` once everything pushed so far is in the store. */
  afterCommit(fn: () => void): void {
    this.notes.push(fn);
    this.arm();
  }

  /** Commits now (e.g. a process group record, which must exist before anything can be lost). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.failed) return;
    const ops = coalesce(this.ops);
    const notes = this.notes;
    this.ops = [];
    this.notes = [];
    if (ops.length > 0) this.store.apply(ops);
    for (const note of notes) note();
  }

  private arm(): void {
    this.timer ??= setTimeout(() => {
      try {
        this.flush();
      } catch (e) {
        this.failed = true; // nothing more is shown: it could not be stored
        this.onError(e);
      }
    }, FLUSH_MS);
  }
}

/**
 * Within one batch only the last state of a job, stage or attempt row matters (a fast stage starts
 * and ends in the same batch): earlier upserts of the same row are dropped. Events all stay.
 */
function coalesce(ops: StoreOp[]): StoreOp[] {
  if (ops.length < 3) return ops;
  const seen = new Set<string>();
  const out: StoreOp[] = [];
  for (let i = ops.length - 1; i >= 0; i--) {
    const op = ops[i]!;
    // The stage row as it was before this op is read by it (kept as an attempt row): what came
    // before must be written, not dropped for a later state of the row.
    if (op.op === 'attempt-keep') seen.delete(stageKey(op.runId, op.jobKey, op.stagePath));
    const key = rowKey(op);
    if (key !== null) {
      if (seen.has(key)) continue;
      seen.add(key);
    }
    out.push(op);
  }
  return out.reverse();
}

function rowKey(op: StoreOp): string | null {
  switch (op.op) {
    case 'stage':
      return stageKey(op.stage.runId, op.stage.jobKey, op.stage.path);
    case 'attempt':
      return `a\0${op.attempt.runId}\0${op.attempt.jobKey}\0${op.attempt.stagePath}\0${op.attempt.attempt}`;
    case 'job':
      return `j\0${op.job.runId}\0${op.job.key}`;
    default:
      return null;
  }
}

const stageKey = (runId: string, jobKey: string, path: string) => `s\0${runId}\0${jobKey}\0${path}`;
