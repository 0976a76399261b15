import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WfError } from '../../errors/index.js';
import { renderShell } from '../../template/index.js';
import { StageFailure, type StageRunner } from '../stage-context.js';
import { parseOutputFile } from './output-file.js';
import { renderEnv } from '../render-env.js';

const STDOUT_TAIL = 8 * 1024;
const KILL_GRACE_MS = 3000;

/** Runs a `run:` script in its own process group; values reach it only through env variables. */
export const runShell: StageRunner = async (run) => {
  const { stage, ctx, render, task, signal } = run;
  if (stage.kind !== 'run') throw new TypeError('not a run stage');
  const { script, env: exprEnv } = renderShell(stage.run, ctx, render);
  const outputFile = join(tmpdir(), `wf-output-${task.runId}-${randomBytes(6).toString('hex')}`);
  writeFileSync(outputFile, '');
  const env = { ...run.baseEnv, ...renderEnv(stage.env, ctx, render), ...exprEnv, WF_OUTPUT: outputFile };
  const [cmd, args] = stage.shell === 'sh' ? ['sh', ['-e', '-c', script]] : ['bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script]];

  try {
    const { code, signalName, stdoutTail } = await spawnScript(cmd, args as string[], env, run);
    const outputs: Record<string, unknown> = { exit_code: code ?? null, stdout: stdoutTail, ...parseOutputFile(readFileSync(outputFile, 'utf8')) };
    if (code === 0) return outputs;
    if (signal.aborted) throw new StageFailure(new WfError('E_STAGE', 'cancelled', { loc: stage.loc }), outputs, true);
    const why = signalName ? `killed by ${signalName}` : `exited with code ${code}`;
    throw new StageFailure(new WfError('E_STAGE', `script ${why}`, { loc: stage.loc }), outputs);
  } finally {
    rmSync(outputFile, { force: true });
  }
};

interface Exit {
  code: number | null;
  signalName: NodeJS.Signals | null;
  stdoutTail: string;
}

function spawnScript(cmd: string, args: string[], env: Record<string, string>, run: Parameters<StageRunner>[0]): Promise<Exit> {
  return new Promise((resolve, reject) => {
    // detached: the script and everything it starts share one process group we can kill as a whole.
    const child = spawn(cmd, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    let killTimer: NodeJS.Timeout | undefined;
    const pending = { stdout: '', stderr: '' };
    const onData = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      const text = pending[stream] + chunk.toString('utf8');
      const lines = text.split('\n');
      pending[stream] = lines.pop()!;
      for (const line of lines) run.log(stream, line);
      if (stream === 'stdout') tail = (tail + chunk.toString('utf8')).slice(-STDOUT_TAIL);
    };
    child.stdout!.on('data', onData('stdout'));
    child.stderr!.on('data', onData('stderr'));
    const kill = (sig: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, sig);
      } catch {
        // the group is already gone
      }
    };
    const onAbort = () => {
      kill('SIGTERM');
      killTimer = setTimeout(() => kill('SIGKILL'), KILL_GRACE_MS);
    };
    run.signal.addEventListener('abort', onAbort, { once: true });
    if (child.pid) run.emit({ t: 'child', pid: child.pid, alive: true });
    child.on('error', (e) => {
      run.signal.removeEventListener('abort', onAbort);
      reject(new WfError('E_STAGE', `could not start ${cmd}: ${e.message}`, { loc: run.stage.loc, hint: `is ${cmd} installed and on PATH?` }));
    });
    child.on('close', (code, signalName) => {
      run.signal.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
      if (child.pid) run.emit({ t: 'child', pid: child.pid, alive: false });
      for (const stream of ['stdout', 'stderr'] as const) if (pending[stream] !== '') run.log(stream, pending[stream]);
      resolve({ code, signalName, stdoutTail: tail.replace(/\n$/, '') });
    });
    if (run.signal.aborted) onAbort();
  });
}
