// The public API of wf-runner: a flat list of re-exports. A hook module imports this file, so keep
// what it loads light (defineHook comes from its own file, not from the whole registry).
export { defineHook } from './registry/define-hook.js';
export type { ArgOf, HookArgs, HookMeta, InputDeclaration, ValueOf } from './registry/define-hook.js';
export type { HookContext, HookDefinition, HookInputSpec, LoadedHook, UsesRef } from './registry/types.js';
export type { ValueSpec, ValueType } from './model/value-types.js';
