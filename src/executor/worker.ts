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
  const { describeHooks } = await import('../registry/index.js');
  return { hooks: await describeHooks(uses, roots) };
}
