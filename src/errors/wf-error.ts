import type { ErrorCode } from './codes.js';

/** A place in a source file; line and col are 1-based. */
export interface SourceLoc {
  file: string;
  line: number;
  col: number;
  /** Length of the underlined span on `line` (default 1). */
  length?: number;
}

export interface WfErrorOptions {
  loc?: SourceLoc;
  hint?: string;
  cause?: unknown;
}

/**
 * The one error type for everything a user can get wrong. It carries a code, an optional
 * place and a hint, and survives a trip across worker threads via `toJSON`/`fromJSON`.
 */
export class WfError extends Error {
  override name = 'WfError';
  readonly code: ErrorCode;
  loc?: SourceLoc;
  hint?: string;

  constructor(code: ErrorCode, message: string, options: WfErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.loc = options.loc;
    this.hint = options.hint;
  }

  /** Returns a copy placed at `loc` unless it already has a place. */
  at(loc: SourceLoc | undefined): this {
    if (!this.loc && loc) this.loc = loc;
    return this;
  }

  toJSON(): SerializedWfError {
    return { name: 'WfError', code: this.code, message: this.message, loc: this.loc, hint: this.hint };
  }

  static fromJSON(data: SerializedWfError): WfError {
    return new WfError(data.code, data.message, { loc: data.loc, hint: data.hint });
  }

  static is(value: unknown): value is WfError {
    return value instanceof WfError;
  }
}

export interface SerializedWfError {
  name: 'WfError';
  code: ErrorCode;
  message: string;
  loc?: SourceLoc;
  hint?: string;
}

/** Many problems found at once (the loader collects all of them before failing). */
export class WfErrors extends WfError {
  override name = 'WfErrors';
  readonly errors: WfError[];

  constructor(errors: WfError[]) {
    const first = errors[0];
    super(first?.code ?? 'E_INTERNAL', `${errors.length} problem${errors.length === 1 ? '' : 's'} found`, {
      loc: first?.loc,
    });
    this.errors = errors;
  }
}

/** Flattens a WfError or WfErrors into its list of diagnostics. */
export function diagnosticsOf(error: WfError): WfError[] {
  return error instanceof WfErrors ? error.errors : [error];
}
