import { spawn, type ChildProcess } from 'node:child_process';
import { BIN } from './paths.js';

export interface WfResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunWfOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  /** Written to stdin, which is then closed. */
  input?: string;
  /** Kill the process after this many ms (a hung wf fails the test instead of the suite). */
  timeoutMs?: number;
  /** Another copy of bin/wf (an installed package, say) instead of the repository's. */
  bin?: string;
}

/** The environment wf runs with in tests: no colour, CI line output, no stack traces, no WF_* leaking in. */
export function wfEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('WF_') && k !== 'FORCE_COLOR') env[k] = v;
  }
  Object.assign(env, { NO_COLOR: '1', CI: '1', WF_DEBUG: '' }, extra);
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  return env;
}

/** Starts `node bin/wf ...args` (no shell) and gives the child plus a promise of its result. */
export function startWf(args: string[], o: RunWfOptions): { child: ChildProcess; done: Promise<WfResult> } {
  const child = spawn(process.execPath, [o.bin ?? BIN, ...args], { cwd: o.cwd, env: wfEnv(o.env), stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout!.on('data', (b: Buffer) => out.push(b));
  child.stderr!.on('data', (b: Buffer) => err.push(b));
  child.stdin!.end(o.input ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 25_000);
  const done = new Promise<WfResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
  return { child, done };
}

/**
 * Runs the built CLI and waits for it.
 * @example const { code, stdout } = await runWf(['run', 'hello-world', '--state', state], { cwd: REPO });
 */
export function runWf(args: string[], o: RunWfOptions): Promise<WfResult> {
  return startWf(args, o).done;
}

/** Parses stdout as one JSON document; fails with the output when it is not only JSON. */
export function parseJson<T = unknown>(r: WfResult): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`stdout is not one JSON document (exit ${r.code}):\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
}
