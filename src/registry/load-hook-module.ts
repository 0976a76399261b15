import { resolve } from 'node:path';
import { WfError, WfErrors, type SourceLoc } from '../errors/index.js';
import { parseValueSpec } from '../model/value-types.js';
import { importModuleFile } from './import-module.js';
import type { HookDefinition, HookInputSpec, LoadedHook } from './types.js';

const NAME = /^[A-Za-z0-9_][\w.-]*$/;
const TAG = /^[\w][\w.+-]*$/;

// Per file, per thread (module state is per worker): a Map of promises also joins concurrent loads.
const cache = new Map<string, Promise<LoadedHook[]>>();

/**
 * Imports a hook module once and returns every hook it exports (`defineHook` results or plain
 * `{ name, run, tag?, with? }` objects).
 * @example const hooks = await loadHookModule('/abs/hooks/sales.ts') // → [{ name: 'fetch', tag: 'v1', … }]
 */
export function loadHookModule(file: string): Promise<LoadedHook[]> {
  const key = resolve(file);
  let loading = cache.get(key);
  if (!loading) {
    loading = load(key);
    cache.set(key, loading);
  }
  return loading;
}

async function load(file: string): Promise<LoadedHook[]> {
  let namespace: Record<string, unknown>;
  try {
    namespace = await importModuleFile(file);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    // One line: Node's "Require stack" listing would break the file:line:col  CODE  message form.
    // A TypeScript syntax error (esbuild through tsx) says where on its second line: keep that.
    const loc = syntaxErrorLoc(file, message);
    const compiler = /^.+:\d+:\d+: ERROR: (.+)$/m.exec(message)?.[1];
    const firstLine = compiler && loc ? `${file}:${loc.line}:${loc.col}: ${compiler}` : message.split('\n')[0]!.trim();
    const error = new WfError('E_HOOK_MODULE', `hook module ${file} failed to load: ${firstLine}`, { cause, hint: importHint(cause) });
    throw error.at(loc);
  }
  return extractHooks(file, namespace);
}

/** Every exported hook-shaped value; a declaration mistake is an E_HOOK_MODULE naming hook and input. */
export function extractHooks(file: string, namespace: Record<string, unknown>): LoadedHook[] {
  const hooks: LoadedHook[] = [];
  const problems: WfError[] = [];
  const seen = new Set<unknown>();
  // named exports first, so a hook also exported as default keeps its name
  const names = Object.keys(namespace).sort((a, b) => Number(a === 'default') - Number(b === 'default') || a.localeCompare(b));
  for (const exportName of names) {
    const value = namespace[exportName];
    if (!isHookShaped(value) || seen.has(value)) continue;
    seen.add(value);
    const hook = toLoadedHook(file, exportName, value, problems);
    const twin = hooks.find((h) => h.name === hook.name && h.tag === hook.tag);
    if (twin) {
      problems.push(bad(file, `exports '${twin.exportName}' and '${exportName}' are both hook '${hook.name}'${hook.tag ? `@${hook.tag}` : ''}`, 'give each a different tag'));
    }
    hooks.push(hook);
  }
  if (problems.length === 1) throw problems[0];
  if (problems.length > 1) throw new WfErrors(problems);
  return hooks;
}

function toLoadedHook(file: string, exportName: string, def: HookDefinition, problems: WfError[]): LoadedHook {
  const label = `hook '${def.name}' (export '${exportName}')`;
  if (!NAME.test(def.name)) problems.push(bad(file, `${label} has a name uses: cannot spell`, 'letters, digits, _ . - only'));
  const tag = def.tag ?? null;
  if (tag !== null && (typeof tag !== 'string' || !TAG.test(tag))) {
    problems.push(bad(file, `${label} has a bad tag ${JSON.stringify(tag)}`, "a tag is letters, digits, _ . + -, e.g. 'v1'"));
  }
  if (def.desc !== undefined && typeof def.desc !== 'string') problems.push(bad(file, `${label}: desc must be a string`));
  const inputs = declarations(def.with ?? {}, 'with', 'input', (message, hint) => problems.push(bad(file, `${label}${message}`, hint)));
  const hook: LoadedHook = { name: def.name, tag: typeof tag === 'string' ? tag : null, inputs, file, exportName, run: def.run };
  if (def.outputs !== undefined) hook.outputs = declarations(def.outputs, 'outputs', 'output', (message, hint) => problems.push(bad(file, `${label}${message}`, hint)));
  if (typeof def.desc === 'string') hook.desc = def.desc;
  return hook;
}

/** A `with:` or `outputs:` map of names to types, each parsed; problems go to `report`. */
function declarations(declared: unknown, key: string, what: string, report: (message: string, hint?: string) => void): Record<string, HookInputSpec> {
  const specs: Record<string, HookInputSpec> = {};
  if (declared === null || typeof declared !== 'object' || Array.isArray(declared)) {
    report(`: ${key} must map ${what} names to types`, `e.g. ${key}: { table: 'str' }`);
    return specs;
  }
  for (const [name, raw] of Object.entries(declared)) {
    const spec = parseValueSpec(raw);
    if ('error' in spec) report(` ${what} '${name}': ${spec.error}`, spec.hint);
    else specs[name] = spec;
  }
  return specs;
}

function isHookShaped(value: unknown): value is HookDefinition {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.name === 'string' && typeof v.run === 'function';
}

function bad(file: string, message: string, hint?: string): WfError {
  return new WfError('E_HOOK_MODULE', `${file}: ${message}`, { hint });
}

/** esbuild (through tsx) reports `file:line:col: ERROR: …` with a 0-based column. */
function syntaxErrorLoc(file: string, message: string): SourceLoc | undefined {
  const match = /^(.+):(\d+):(\d+): ERROR: /m.exec(message);
  if (!match || resolve(match[1]!) !== file) return undefined;
  return { file, line: Number(match[2]), col: Number(match[3]) + 1 };
}

function importHint(cause: unknown): string | undefined {
  const code = (cause as { code?: unknown } | null)?.code;
  // ESM imports fail with ERR_MODULE_NOT_FOUND; a .ts hook goes through tsx's require path (MODULE_NOT_FOUND).
  const notFound = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
  if (notFound && /'wf-runner'/.test(String((cause as Error).message))) {
    return "install wf-runner where the registry can see it (npm i wf-runner), or build this repository (npm run build)";
  }
  if (notFound) return 'a module it imports is missing: install it next to the registry or fix the import';
  if (cause instanceof SyntaxError || /Transform failed/.test(String((cause as Error | null)?.message))) return 'fix the syntax error';
  return 'the module threw while loading; run it with node (or tsx) to see the stack';
}
