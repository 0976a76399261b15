import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WfError } from '../../errors/index.js';
import type { RunStage } from '../../model/types.js';
import { plainCommand } from './direct-exec.js';
import { renderScript, renderShell, type ExprContext, type RenderOptions } from '../../template/index.js';

export interface ScriptCommand {
  cmd: string;
  args: string[];
  /** The environment variables that carry the expressions' values. */
  env: Record<string, string>;
  /** A bash script that is one command of plain words: its words, to start without bash (direct-exec.ts). */
  direct?: string[] | null;
  /** Removes the script file, if one was written. */
  cleanup(): void;
}

// node runs the script as CommonJS (require works, as in a plain .js file); use import() for ES modules.
const EXT: Record<string, string> = { python: '.py', node: '.cjs' };

/**
 * The command that runs a `run:` stage in its `shell:`. bash and sh get the script with `-c`;
 * python, node and a `{0}` command get a file (in a private folder, mode 0600) holding it.
 * No value is ever pasted into the script: bash/sh read it from a variable, python/node from a
 * JSON value in the environment, and a `{0}` command (whose language wf cannot read) may not hold
 * `${{ }}` at all (E_EXPR: pass values through `env:`).
 */
export function scriptCommand(stage: RunStage, ctx: ExprContext, render: RenderOptions, privateDir = tmpdir()): ScriptCommand {
  const { shell } = stage;
  if (shell === 'bash' || shell === 'sh') {
    const { script, env } = renderShell(stage.run, ctx, { ...render, guards: stage.guards });
    const args = shell === 'sh' ? ['-e', '-c', script] : ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script];
    return { cmd: shell, args, env, direct: shell === 'bash' ? plainCommand(stage.run) : null, cleanup: () => {} };
  }
  let script: string;
  let env: Record<string, string> = {};
  if (shell === 'python' || shell === 'node') ({ script, env } = renderScript(stage.run, shell, ctx, render));
  else if (/\$\{\{|\$</.test(stage.run)) {
    throw new WfError('E_EXPR', `a script for shell '${shell}' cannot hold \${{ }}: wf cannot tell where a value would be code in it`, {
      loc: stage.loc,
      hint: 'pass values through the stage env: (e.g. env: {NAME: "${{ params.name }}"}) and read them as environment variables',
    });
  } else script = stage.run;
  const dir = mkdtempSync(join(privateDir, 'script-'));
  chmodSync(dir, 0o700);
  const file = join(dir, `script${EXT[shell] ?? ''}`);
  writeFileSync(file, script, { mode: 0o600 });
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  if (shell === 'python') return { cmd: 'python3', args: [file], env, cleanup };
  if (shell === 'node') return { cmd: process.execPath, args: [file], env, cleanup };
  // A command template: split on whitespace (no shell), {0} replaced by the file.
  const [cmd, ...args] = shell.trim().split(/\s+/).map((w) => w.split('{0}').join(file));
  return { cmd: cmd!, args, env, cleanup };
}
