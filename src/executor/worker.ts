import { BroadcastChannel } from 'node:worker_threads';
import { describeThrown, WfError } from '../errors/index.js';
import { callHook } from './hook-call.js';
import { HOOK_CHANNEL, type HookBatchCalls, type HookBatchMessage, type HookBatchTask, type HookCancel, type HookResult, type HookTask, type InspectResult, type WorkerTask } from './protocol.js';

// Several hooks may run in this thread at once (a batch): one that calls process.exit or leaves an
// error unhandled must fail its own stage, not end the thread under the others.
process.exit = ((code?: number) => {
  throw new WfError('E_HOOK_CRASH', `a hook called process.exit(${code ?? ''})`, { hint: 'a hook returns its outputs or throws; it must not end the process' });
}) as typeof process.exit;
const onStray = (e: unknown) => {
  // An error no call can be blamed for by its stack: every call running here fails with it.
  const message = `an error escaped a hook running in this thread: ${describeThrown(e)}`;
  for (const [, fail] of failers) fail(new WfError('E_HOOK_CRASH', message, { hint: 'await every promise a hook starts' }));
};
process.on('uncaughtException', onStray);
process.on('unhandledRejection', onStray);
const failers = new Map<number, (e: WfError) => void>();

// Cancels for running hooks arrive on one channel shared by all workers of this process.
const running = new Map<number, AbortController>();
let channel: BroadcastChannel | undefined;
function listen(): void {
  if (channel) return;
  channel = new BroadcastChannel(HOOK_CHANNEL);
  channel.onmessage = (event) => running.get((event as { data: HookCancel }).data.cancel)?.abort();
  channel.unref();
}

async function runOne(task: HookTask): Promise<HookResult> {
  const controller = new AbortController();
  running.set(task.callId, controller);
  try {
    return await Promise.race([
      callHook(task, controller.signal),
      new Promise<HookResult>((resolve) => failers.set(task.callId, (e) => resolve({ outputs: null, error: e.at(task.loc).toJSON(), logs: [] }))),
    ]);
  } finally {
    running.delete(task.callId);
    failers.delete(task.callId);
  }
}

/**
 * A batch: calls arrive on its port while it is open and run at once in this thread (hooks are
 * async); each result goes back on the port as soon as it is ready, several per message when they
 * settle in the same tick. It ends when the main thread says so, which it does with no call open.
 */
function runBatch(task: HookBatchTask): Promise<null> {
  let pending: HookBatchMessage = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending.length === 0) return;
    task.port.postMessage(pending);
    pending = [];
  };
  const run = async (call: HookTask) => {
    const result = await runOne(call);
    pending.push({ callId: call.callId, result });
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  // Started (no results): the main thread sends calls waiting for a thread once this one is up.
  task.port.postMessage([] satisfies HookBatchMessage);
  return new Promise((resolve) => {
    task.port.on('message', (msg: HookBatchCalls) => {
      if ('calls' in msg) {
        for (const call of msg.calls) void run(call);
        return;
      }
      flush();
      task.port.close();
      resolve(null);
    });
  });
}

/** piscina entry: runs hook calls (one, or a batch), or inspects hooks before a run. */
export default async function handle(task: WorkerTask): Promise<InspectResult | HookResult | null> {
  if (task.kind === 'inspect') {
    const { describeHooks } = await import('../registry/index.js');
    return { hooks: await describeHooks(task.uses, task.registry) };
  }
  listen();
  return task.kind === 'hooks' ? runBatch(task) : runOne(task);
}
