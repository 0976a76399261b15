import { existsSync, readFileSync, statSync } from 'node:fs';
import Module, { createRequire, register } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MODULE_EXT } from '../module-ext.js';
import { SELF } from './self-names.js';

type TsxNamespace = { import: (specifier: string, parentURL: string) => Promise<Record<string, unknown>> };
type TsxRequire = { require: (id: string, fromFile: string) => Record<string, unknown> };

// One tsx namespace per thread: a tsImport() per file would register one more loader hook each time
// (and return a fresh module instance each call), slowing every later import in the thread.
let tsx: Promise<TsxNamespace> | undefined;
let tsxCjs: Promise<TsxRequire> | undefined;

function tsxNamespace(): Promise<TsxNamespace> {
  tsx ??= import('tsx/esm/api').then(({ register }) => register({ namespace: 'wf-registry' }));
  return tsx;
}

/** tsx's CommonJS build: its ES build took each thread twice as long to load (~40 ms, esbuild's exports parsed for ESM). */
function tsxRequire(): Promise<TsxRequire> {
  tsxCjs ??= Promise.resolve().then(() => (createRequire(import.meta.url)('tsx/cjs/api') as { register: (o: object) => TsxRequire }).register({ namespace: 'wf-registry' }));
  return tsxCjs;
}

let selfResolveEsm = false;
let selfResolveCjs = false;

/**
 * Lets a hook's `import … from 'wf-runner'` find the running wf when the project has not installed
 * it. For ES modules that takes a resolve hook, which costs each thread a loader thread of its own
 * (~100 ms before the first import): it is registered only for a module that may need it.
 */
function registerSelfResolve(file: string): void {
  if (!selfResolveCjs) {
    selfResolveCjs = true;
    // tsx may run a .ts file as CommonJS (a folder without package.json): its imports are then require()s.
    selfResolveRequire();
  }
  if (selfResolveEsm || !mayImportSelf(file, new Set())) return;
  selfResolveEsm = true;
  const hooks = new URL(`./self-resolve-hooks${MODULE_EXT}`, import.meta.url);
  // Only from the built package (the sources run under a test runner have no .js beside them).
  if (existsSync(fileURLToPath(hooks))) register(hooks);
}

/** A string literal in import position: `from '…'`, `import '…'`, `import('…')`, `require('…')`. */
const SPECIFIER = /(?:\bfrom|\bimport|\brequire\s*\(|\bimport\s*\()\s*(['"])([^'"\n]+)\1/g;
/** An `import()` or `require()` of a computed name: what it loads cannot be known from the text. */
const COMPUTED = /\b(?:import|require)\s*\(\s*(?!['"\s)])/;
const RELATIVE_EXTS = ['', '.mjs', '.js', '.ts', '.mts', '.cjs', '.cts', '/index.mjs', '/index.js', '/index.ts'];

/**
 * Whether `file`, or a file it imports by a relative path, names a package in SELF (any mention,
 * even in a comment) or imports a computed name. Packages it imports have their own dependencies.
 */
function mayImportSelf(file: string, seen: Set<string>): boolean {
  if (seen.has(file)) return false;
  seen.add(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return false; // the import itself will say what is wrong with it
  }
  if (Object.keys(SELF).some((name) => text.includes(name)) || COMPUTED.test(text)) return true;
  for (const [, , specifier] of text.matchAll(SPECIFIER)) {
    if (!specifier!.startsWith('./') && !specifier!.startsWith('../')) continue;
    const base = join(dirname(file), specifier!);
    // `./x.js` may name x.ts (TypeScript's convention), `./x` any extension.
    const candidates = [...RELATIVE_EXTS.map((ext) => base + ext), base.replace(/\.[cm]?js$/, (ext) => ext.replace('js', 'ts'))];
    const target = candidates.find((c) => isFile(c));
    if (target && mayImportSelf(target, seen)) return true;
  }
  return false;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The same for CommonJS hooks: Node 20 has no resolve hook for require(), so wrap its resolver. */
function selfResolveRequire(): void {
  const M = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const original = M._resolveFilename;
  M._resolveFilename = function (request: string, ...rest: unknown[]): string {
    try {
      return original.call(this, request, ...rest);
    } catch (e) {
      const target = SELF[request];
      const file = target && fileURLToPath(new URL(target, import.meta.url));
      if (file && existsSync(file) && (e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return file;
      throw e;
    }
  };
}

const packageTypes = new Map<string, string>();

/** The `type` of the nearest package.json above `dir` ('commonjs' when it has none), or '' when there is no package.json. */
function packageType(dir: string): string {
  const known = packageTypes.get(dir);
  if (known !== undefined) return known;
  let type = '';
  const manifest = join(dir, 'package.json');
  if (existsSync(manifest)) {
    try {
      type = (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: unknown }).type === 'module' ? 'module' : 'commonjs';
    } catch {
      type = 'commonjs';
    }
  } else if (dirname(dir) !== dir) type = packageType(dirname(dir));
  packageTypes.set(dir, type);
  return type;
}

/**
 * Imports a module file: `.mjs` natively, `.mts` through tsx, `.cjs`/`.cts` through tsx's require.
 * A `.js`/`.ts` file goes by its package, as Node decides: outside a `"type": "module"` package (what
 * `npm init` writes, or no package.json at all) it is CommonJS, loaded through tsx's require, which
 * also takes ESM syntax and finds sibling `.ts` helpers imported as `./x` or `./x.js`.
 */
export async function importModuleFile(file: string): Promise<Record<string, unknown>> {
  registerSelfResolve(file);
  const url = pathToFileURL(file).href;
  const ext = extname(file);
  const commonjs = ext === '.cjs' || ext === '.cts' || ((ext === '.js' || ext === '.ts') && packageType(dirname(file)) !== 'module');
  if (commonjs) return (await tsxRequire()).require(file, import.meta.url);
  if (ext === '.ts' || ext === '.mts') return (await tsxNamespace()).import(url, import.meta.url);
  return (await import(url)) as Record<string, unknown>;
}
