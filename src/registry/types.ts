import type { ValueSpec } from '../model/value-types.js';

/** A hook's declared input: the same forms as a pipeline param (`'str'` or `{type, default, …}`). */
export interface HookInputSpec extends ValueSpec {}

/** What a hook gets besides its arguments. Plain data plus functions: it lives inside a worker. */
export interface HookContext {
  log(message: string): void;
  signal: AbortSignal;
  run: { id: string; pipeline: string; job: string; stage: string; attempt: number; release: string | null };
  secrets: Record<string, string>;
}

/** What a hook module exports (through `defineHook` or as a plain object of the same shape). */
export interface HookDefinition<A = Record<string, unknown>, R = unknown> {
  name: string;
  tag?: string;
  with?: Record<string, unknown>;
  /** Declared outputs (same forms as `with:`): the returned object must hold exactly these keys. */
  outputs?: Record<string, unknown>;
  desc?: string;
  run: (args: A, ctx: HookContext) => R | Promise<R>;
}

/** A parsed `uses: <module>/<hook>@<tag>`. */
export interface UsesRef {
  module: string;
  hook: string;
  tag?: string;
  raw: string;
}

/** A hook found in a module, its inputs parsed. */
export interface LoadedHook {
  name: string;
  tag: string | null;
  inputs: Record<string, HookInputSpec>;
  /** Declared outputs, when the hook declares them (then the returned keys are checked). */
  outputs?: Record<string, HookInputSpec>;
  desc?: string;
  file: string;
  exportName: string;
  run: HookDefinition['run'];
}
