import { AsyncLocalStorage } from 'node:async_hooks';
import { format } from 'node:util';
import type { HookResult } from './protocol.js';

/** The log of the hook call running in the current async context. */
interface Sink {
  logs: HookResult['logs'];
  mask(text: string): string;
  bytes: number;
  truncated?: boolean;
}

const NOTE = "[wf: this hook's output was truncated at 1 MB]";

/** What one call may print before the rest is dropped (with a note): memory stays bounded. */
const MAX_CAPTURE = 1024 * 1024;

const current = new AsyncLocalStorage<Sink>();
let installed = false;

/**
 * A hook's own console.log/console.error/process.stdout.write go to its stage's log (masked), not
 * to wf's stdout: `--json` stays one JSON document and a secret a hook prints is masked like any.
 * Several hooks may run in one thread at once: each call's output is told apart by its async context.
 */
export function installHookConsole(): void {
  if (installed) return;
  installed = true;
  const route = (stream: 'stdout' | 'stderr') => (text: string) => {
    const sink = current.getStore();
    if (!sink) return false;
    if (sink.truncated) return true;
    const room = MAX_CAPTURE - sink.bytes;
    // The note is recorded at the first character dropped, wherever the cap falls.
    const kept = text.length <= room ? text : room > 0 ? `${text.slice(0, room)}\n${NOTE}` : NOTE;
    if (text.length > room) sink.truncated = true;
    sink.bytes += Math.min(text.length, room);
    if (kept === '') return true;
    for (const line of kept.replace(/\n$/, '').split('\n')) sink.logs.push({ stream, text: sink.mask(line), ts: Date.now() });
    return true;
  };
  const out = route('stdout');
  const err = route('stderr');
  for (const [name, to] of [['log', out], ['info', out], ['debug', out], ['warn', err], ['error', err]] as const) {
    const original = console[name].bind(console);
    console[name] = (...args: unknown[]) => {
      if (!to(format(...args))) original(...args);
    };
  }
  for (const [stream, to] of [[process.stdout, out], [process.stderr, err]] as const) {
    const original = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => (to(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8')) ? true : original(chunk, ...rest))) as typeof stream.write;
  }
}

/** Runs `fn` with its console output captured into `logs`. */
export function withHookConsole<T>(logs: HookResult['logs'], mask: (text: string) => string, fn: () => Promise<T>): Promise<T> {
  installHookConsole();
  return current.run({ logs, mask, bytes: 0 }, fn);
}
