import { WfError } from '../errors/index.js';

/** A place in a `run:` script where no reference to a value can be safe. */
export function shellError(message: string, hint: string): WfError {
  return new WfError('E_EXPR', `in a shell script: ${message}`, { hint });
}

/**
 * A value `where` bash would evaluate it as arithmetic (or read it as a variable name): there bash
 * expands array subscripts, so a value such as `a[$(cmd)]` runs cmd however it is quoted.
 */
export function evaluatedError(where: string): WfError {
  return shellError(
    `an expression ${where} would run code: bash evaluates a value such as a[$(cmd)] there`,
    'assign it to a variable and validate it first, e.g. v=${{ … }}; [[ $v =~ ^[0-9]+$ ]] && (( v > 0 ))',
  );
}
