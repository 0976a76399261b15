import type { StoreOp } from '../store/types.js';
import type { WorkerEvent } from './protocol.js';
import type { RunEventListener } from './run-events.js';

interface StageStart {
  name: string;
  ts: number;
  id: string | null;
  kind: string;
}

type StageEvent = Extract<WorkerEvent, { t: 'stage-start' | 'stage-end' | 'log' }>;

/**
 * Turns one job instance's stage events from its worker into store writes and run events;
 * it remembers each stage's start so the end record keeps its id, name, kind and duration.
 */
export function stageRecorder(runId: string, jobKey: string, write: (op: StoreOp) => void, emit: RunEventListener): (ev: StageEvent) => void {
  const starts = new Map<string, StageStart>();
  const iso = (ts: number) => new Date(ts).toISOString();
  return (ev) => {
    switch (ev.t) {
      case 'stage-start':
        starts.set(ev.path, { name: ev.name, ts: ev.ts, id: ev.id, kind: ev.kind });
        write({ op: 'stage', stage: { runId, jobKey, path: ev.path, stageId: ev.id, name: ev.name, kind: ev.kind, status: 'running', startedAt: iso(ev.ts), endedAt: null, outputs: null, error: null } });
        emit({ type: 'stage-start', jobKey, path: ev.path, name: ev.name, kind: ev.kind, ts: ev.ts });
        return;
      case 'stage-end': {
        const start = starts.get(ev.path);
        const name = start?.name ?? ev.path;
        write({ op: 'stage', stage: { runId, jobKey, path: ev.path, stageId: start?.id ?? null, name, kind: start?.kind ?? '', status: ev.status, startedAt: start ? iso(start.ts) : null, endedAt: iso(ev.ts), outputs: ev.outputs, error: ev.error } });
        emit({ type: 'stage-end', jobKey, path: ev.path, name, status: ev.status, error: ev.error, outputs: ev.outputs, ts: ev.ts, durationMs: start ? ev.ts - start.ts : 0 });
        return;
      }
      case 'log':
        write({ op: 'log', log: { runId, jobKey, stagePath: ev.path, ts: iso(ev.ts), stream: ev.stream, text: ev.text } });
        emit({ type: 'log', jobKey, path: ev.path, stream: ev.stream, text: ev.text, ts: ev.ts });
    }
  };
}
