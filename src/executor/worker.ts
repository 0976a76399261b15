import { WfError } from '../errors/index.js';
import { runJob } from './job-runner.js';
import { makeMasker } from './mask.js';
import { remoteSpawner } from './remote-spawn.js';
import type { InspectResult, JobTask, MainMessage, WorkerEvent, WorkerTask } from './protocol.js';

/** piscina entry: one call runs one job instance (or inspects hooks before a run). */
export default async function handle(task: WorkerTask): Promise<InspectResult | null> {
  if (task.kind === 'inspect') return inspect(task.uses, task.registry);
  await runJobTask(task);
  return null;
}

async function runJobTask(task: JobTask): Promise<void> {
  const { port } = task;
  const controller = new AbortController();
  // Events are batched per tick: one postMessage per burst keeps 10k-stage runs cheap.
  let batch: WorkerEvent[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (batch.length === 0) return;
    port.postMessage(batch);
    batch = [];
  };
  const emit = (event: WorkerEvent) => {
    batch.push(event);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  const spawner = remoteSpawner((event) => {
    emit(event);
    flush(); // a spawn request goes out at once, not at the end of the tick
  });
  port.on('message', (m: MainMessage) => {
    if (m.t === 'cancel') controller.abort();
    else spawner.onMessage(m);
  });
  const result = await runJob(task, { emit, mask: makeMasker(task.secrets), signal: controller.signal, spawn: spawner.spawn });
  emit({ t: 'job-end', result });
  flush();
  port.close();
}

async function inspect(uses: string[], roots: string[]): Promise<InspectResult> {
  const { resolveHook } = await import('../registry/index.js');
  const hooks: InspectResult['hooks'] = {};
  for (const ref of uses) {
    try {
      const hook = await resolveHook(ref, roots);
      hooks[ref] = { inputs: hook.inputs };
    } catch (e) {
      const err = e instanceof WfError ? e : new WfError('E_HOOK_MODULE', String((e as Error)?.message ?? e));
      hooks[ref] = { error: err.toJSON() };
    }
  }
  return { hooks };
}
