import { WfError } from '../errors/index.js';

/** A place in a `run:` script where no reference to a value can be safe. */
export function shellError(message: string, hint: string): WfError {
  return new WfError('E_EXPR', `in a shell script: ${message}`, { hint });
}
