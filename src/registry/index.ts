export { defineHook } from './define-hook.js';
export { parseUses } from './parse-uses.js';
export { resolveModuleFile } from './resolve-module-file.js';
export { loadHookModule } from './load-hook-module.js';
export { resolveHook, usesOf } from './resolve-hook.js';
export { validateWith, isTemplated, type ValidateWithOptions, type WithProblem } from './validate-with.js';
export { listHooks, type ListedHook, type BrokenModule } from './list-hooks.js';
export { scanModules, MODULE_EXTENSIONS, type ModuleFile } from './scan-modules.js';
export type { HookContext, HookDefinition, HookInputSpec, LoadedHook, UsesRef } from './types.js';
