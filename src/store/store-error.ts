import { Database } from './sqlite.js';
import { WfError } from '../errors/index.js';

/** Hints for the SQLite failures a user can do something about. */
function hintFor(code: string, file: string): string | undefined {
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return `another wf process holds the write lock on ${file}; try again`;
  }
  if (code.startsWith('SQLITE_READONLY')) {
    return `${file} or its folder is read-only here: wf runs and wf logs can still read it; to run, give --state a writable folder`;
  }
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return `${file} is damaged or not a wf store: move it aside and wf will start a new one`;
  }
  if (code.startsWith('SQLITE_FULL') || code.startsWith('SQLITE_IOERR')) return 'check the disk holding the state directory';
  if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_PERM')) return `check that ${file} and its directory are accessible`;
  return undefined;
}

/** Turns a SQLite (or filesystem) failure into a WfError E_STORE; WfErrors pass through. */
export function storeError(error: unknown, action: string, file: string): WfError {
  if (WfError.is(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof Database.SqliteError ? error.code : ((error as NodeJS.ErrnoException)?.code ?? '');
  return new WfError('E_STORE', `state store: ${action} failed: ${message}`, {
    hint: hintFor(code, file),
    cause: error,
  });
}

/** Runs `fn`, reporting any failure as a WfError E_STORE. */
export function guard<T>(action: string, file: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw storeError(error, action, file);
  }
}

/** The error every write to a store opened with `{ readonly: true }` gets. */
export function readonlyError(file: string): WfError {
  return new WfError('E_STORE', `state store ${file} was opened readonly and cannot be written`, {
    hint: 'open it without { readonly: true } to record runs',
  });
}
