import { closeSync, constants as fsConstants, fstatSync, lstatSync, openSync, readFileSync } from 'node:fs';
import { WfError } from '../../errors/index.js';
import { renderEnv } from '../render-env.js';
import { StageFailure, type StageRunner } from '../stage-context.js';
import { parseOutputFile } from './output-file.js';
import { scriptCommand } from './script-command.js';
import { directRequest } from './direct-exec.js';
import { removeOutputFile, runTempDir, takeOutputFile } from '../run-files.js';
import { secretForms } from '../mask.js';

const STDOUT_TAIL = 8 * 1024;
/** A log line longer than this is split (a process printing megabytes without a newline). */
const MAX_LINE = 64 * 1024;

/** Where to cut a chunk of `text` near MAX_LINE so that no occurrence of a secret form is split. */
function chunkEnd(text: string, forms: readonly string[]): number {
  let cut = MAX_LINE;
  for (let moved = true; moved; ) {
    moved = false;
    for (const f of forms) {
      const i = text.indexOf(f, Math.max(0, cut - f.length + 1));
      if (i >= 0 && i < cut && i + f.length > cut) {
        cut = i + f.length;
        moved = true;
      }
    }
  }
  return cut;
}

/** Runs a `run:` script (any `shell:`) in its own process group; values reach it only through env variables. */
export const runShell: StageRunner = async (run) => {
  const { stage, ctx, render, task, signal } = run;
  if (stage.kind !== 'run') throw new TypeError('not a run stage');
  if (signal.aborted) throw new StageFailure(new WfError('E_STAGE', 'cancelled', { loc: stage.loc }), {}, true);
  const command = scriptCommand(stage, ctx, render, runTempDir(task.runId));
  const exprEnv = command.env;
  // In the run's private folder (0700); made ahead, or by whoever starts the process (SpawnRequest.outputFile).
  const outputFile = takeOutputFile(task.runId);
  const env: Record<string, string> = { ...run.baseEnv, ...renderEnv(stage.env, ctx, render), ...exprEnv, WF_OUTPUT: outputFile };
  const withNul = Object.keys(env).find((k) => k.includes('\0') || env[k]!.includes('\0'));
  if (withNul) {
    command.cleanup();
    removeOutputFile(outputFile);
    throw new WfError('E_STAGE', `the value for ${withNul} contains a NUL byte, which no process environment can hold`, { loc: stage.loc, hint: 'remove the NUL byte from the param or output it comes from' });
  }
  const { cmd, args } = command;

  // Output without newlines is logged in chunks; a chunk never ends inside a secret (each half
  // would be unmasked), so as much as the longest secret form is held back before cutting.
  const forms = secretForms(task.secrets);
  const hold = forms.reduce((n, f) => Math.max(n, f.length), 0);
  try {
    let tail = '';
    const pending = { stdout: '', stderr: '' };
    const onData = (stream: 'stdout' | 'stderr', data: string) => {
      const lines = (pending[stream] + data).split('\n');
      let rest = lines.pop()!;
      for (const line of lines) run.log(stream, line);
      // Output without newlines is logged in chunks: memory stays bounded and the time linear.
      while (rest.length >= MAX_LINE + hold) {
        const cut = chunkEnd(rest, forms);
        run.log(stream, rest.slice(0, cut));
        rest = rest.slice(cut);
      }
      pending[stream] = rest;
      if (stream === 'stdout') tail = (tail.length + data.length > 2 * STDOUT_TAIL ? tail.slice(-STDOUT_TAIL) : tail) + data.slice(-STDOUT_TAIL);
    };
    const direct = command.direct ? directRequest(command.direct, env) : null;
    let exit = await run.spawn(direct ? { ...direct, outputFile } : { cmd, args, env, outputFile }, onData);
    // It could not be exec'd (a script without #!, a noexec mount): bash runs it, or says why not.
    if (direct && exit.notStarted) exit = await run.spawn({ cmd, args, env, outputFile }, onData);
    tail = tail.slice(-STDOUT_TAIL);
    for (const stream of ['stdout', 'stderr'] as const) if (pending[stream] !== '') run.log(stream, pending[stream]);
    if (exit.error) throw new WfError('E_STAGE', `could not start ${cmd}: ${exit.error}`, { loc: stage.loc, hint: `is ${cmd} installed and on PATH?` });
    const outputs: Record<string, unknown> = { exit_code: exit.code, stdout: tail.replace(/\n$/, ''), ...parseOutputFile(readOutputFile(outputFile)) };
    if (exit.code === 0) return outputs;
    if (signal.aborted) throw new StageFailure(new WfError('E_STAGE', 'cancelled', { loc: stage.loc }), outputs, true);
    const why = exit.signal ? `killed by ${exit.signal}` : `exited with code ${exit.code}`;
    throw new StageFailure(new WfError('E_STAGE', `script ${why}`, { loc: stage.loc }), outputs);
  } finally {
    removeOutputFile(outputFile);
    command.cleanup();
  }
};

/**
 * The output file's text. Most stages write no outputs: an empty regular file is not opened. What
 * the script put in its place is read only if it is a regular file (a link to one is followed): a
 * FIFO would block this thread until something writes to it, a device might never end.
 */
function readOutputFile(file: string): string {
  const stat = lstatSync(file, { throwIfNoEntry: false });
  if (stat === undefined || (stat.isFile() && stat.size === 0)) return '';
  let fd: number;
  try {
    fd = openSync(file, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw e;
  }
  try {
    return fstatSync(fd).isFile() ? readFileSync(fd, 'utf8') : '';
  } finally {
    closeSync(fd);
  }
}
