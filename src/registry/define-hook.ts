import type { ValueType } from '../model/value-types.js';
import type { HookContext, HookDefinition } from './types.js';

/** One `with:` declaration as written: `'int'` or `{ type: 'int', default: 5 }` (a choice lists its options). */
export type InputDeclaration = ValueType | { type: ValueType; default?: unknown; options?: readonly unknown[]; desc?: string };

/** The value a declared type arrives as (after wf coerces it): dates as ISO text, secrets as text. */
export type ValueOf<T> = T extends 'int' | 'float'
  ? number
  : T extends 'bool'
    ? boolean
    : T extends 'array'
      ? unknown[]
      : T extends 'map'
        ? Record<string, unknown>
        : T extends 'str' | 'date' | 'datetime' | 'secret' | 'choice'
          ? string
          : unknown;

/** The argument type of one declaration: a choice is the union of its options; `default: null` may be null. */
export type ArgOf<D> = D extends ValueType
  ? ValueOf<D>
  : D extends { type: 'choice'; options: readonly (infer O)[] }
    ? O
    : D extends { type: infer T; default: null }
      ? ValueOf<T> | null
      : D extends { type: infer T }
        ? ValueOf<T>
        : unknown;

/** `args` of a hook, read off its `with:` declaration. */
export type HookArgs<W> = { -readonly [K in keyof W]: ArgOf<W[K]> };

/** A hook's declaration: its name, tag, inputs and (optionally) the outputs it returns. */
export interface HookMeta<W extends Record<string, InputDeclaration>> {
  name: string;
  tag?: string;
  desc?: string;
  with?: W;
  /** The keys `run` returns, each with its type: `stages.<id>.outputs.<key>` is then checked at load time. */
  outputs?: Record<string, InputDeclaration>;
}

/**
 * Declares a hook. `args` is typed from the `with:` declaration, so no type is written by hand
 * (a plain `{ name, tag, with, run }` export works the same at run time).
 * @example export const fetch = defineHook({ name: 'fetch', tag: 'v1', with: { table: 'str', limit: { type: 'int', default: 100 } } }, async (args) => ({ rows: args.limit }));
 */
export function defineHook<const W extends Record<string, InputDeclaration> = Record<never, never>, R = unknown>(
  meta: HookMeta<W>,
  run: (args: HookArgs<W>, ctx: HookContext) => R | Promise<R>,
): HookDefinition<HookArgs<W>, R> {
  return { ...meta, run };
}
