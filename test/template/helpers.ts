import { WfError } from '../../src/errors/index.js';

/** Runs `fn`, expecting a WfError; any other outcome fails the test. */
export function wfError(fn: () => unknown): WfError {
  let value: unknown;
  try {
    value = fn();
  } catch (error) {
    if (error instanceof WfError) return error;
    throw error;
  }
  throw new Error(`expected a WfError, got the value ${JSON.stringify(value)}`);
}
