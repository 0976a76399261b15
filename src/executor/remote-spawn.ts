import type { MainMessage, SpawnRequest, WorkerEvent } from './protocol.js';

export interface ProcessExit {
  code: number | null;
  signal: string | null;
  error?: string;
}

export type SpawnFn = (request: SpawnRequest, onData: (stream: 'stdout' | 'stderr', data: string) => void) => Promise<ProcessExit>;

/** Worker side of the process host: asks the main thread to spawn, and routes output back. */
export function remoteSpawner(send: (event: WorkerEvent) => void): { spawn: SpawnFn; onMessage(m: MainMessage): void } {
  let nextId = 1;
  const live = new Map<number, { onData: (stream: 'stdout' | 'stderr', data: string) => void; resolve: (exit: ProcessExit) => void }>();
  return {
    spawn(request, onData) {
      const id = nextId++;
      return new Promise((resolve) => {
        live.set(id, { onData, resolve });
        send({ t: 'spawn', id, request });
      });
    },
    onMessage(m) {
      if (m.t === 'proc-out') live.get(m.id)?.onData(m.stream, m.data);
      else if (m.t === 'proc-exit') {
        const p = live.get(m.id);
        live.delete(m.id);
        p?.resolve({ code: m.code, signal: m.signal, error: m.error });
      }
    },
  };
}
