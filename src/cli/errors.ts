import { formatError, WfError } from '../errors/index.js';
import { err, errorStyle } from './style.js';

/** Prints an error for a person (or as JSON) and returns the exit code: 2 for anything the user can fix. */
export function reportError(e: unknown, json = false): number {
  if (e instanceof WfError) {
    if (json) {
      const errors = 'errors' in e ? (e as WfError & { errors: WfError[] }).errors : [e];
      process.stdout.write(`${JSON.stringify({ ok: false, errors: errors.map((x) => x.toJSON()) }, null, 2)}\n`);
    } else process.stderr.write(`${formatError(e, errorStyle)}\n`);
    if (process.env.WF_DEBUG) process.stderr.write(`${e.stack}\n`);
    return 2;
  }
  const message = e instanceof Error ? e.message : String(e);
  process.stderr.write(`${err.red('wf: internal error:')} ${message}\n${process.env.WF_DEBUG && e instanceof Error ? `${e.stack}\n` : err.dim('  set WF_DEBUG=1 for a stack trace, and please report it\n')}`);
  return 1;
}
