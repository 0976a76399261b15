import { BroadcastChannel } from 'node:worker_threads';
import { callHook } from './hook-call.js';
import { HOOK_CHANNEL, type HookCancel, type HookResult, type InspectResult, type WorkerTask } from './protocol.js';

// Cancels for running hooks arrive on one channel shared by all workers of this process.
const running = new Map<number, AbortController>();
let channel: BroadcastChannel | undefined;
function listen(): void {
  if (channel) return;
  channel = new BroadcastChannel(HOOK_CHANNEL);
  channel.onmessage = (event) => running.get((event as { data: HookCancel }).data.cancel)?.abort();
  channel.unref();
}

/** piscina entry: runs one hook call (or inspects hooks before a run). */
export default async function handle(task: WorkerTask): Promise<InspectResult | HookResult> {
  if (task.kind === 'inspect') {
    const { describeHooks } = await import('../registry/index.js');
    return { hooks: await describeHooks(task.uses, task.registry) };
  }
  listen();
  const controller = new AbortController();
  running.set(task.callId, controller);
  try {
    return await callHook(task, controller.signal);
  } finally {
    running.delete(task.callId);
  }
}
