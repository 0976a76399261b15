#!/usr/bin/env node
// Build step after tsc: bundles the CLI (dist/cli/main.js) and the worker-thread entry into
// dist/bundle/, a few files instead of ~150 modules, because resolving, reading and compiling
// modules one by one was the largest part of wf's start-up (bench/startup.mjs).
//
// The chunks are chosen, not left to the splitter: every module `wf run` loads goes into one of a
// few chunks (`wf run` then reads 6 files instead of 31; each ES module file costs Node ~0.45 ms to
// resolve, read and link). Code that only other commands load (the YAML parser and the schema
// library among it, for a cold model cache) stays split at its dynamic imports, so it is read only
// when needed. The CLI's chunks are CommonJS scripts, which bin/wf compiles with V8's code cache.
// The worker thread and the resolve hooks are bundles of their own, ES modules: they run in other
// threads, which share no module instances with the main one anyway.
//
// dist/bundle/ sits one level below dist/, like dist/<folder>/ does: the few paths the code takes
// relative to its own module (`../index.js` for hooks that import wf-runner) mean the same in both.
// Native and runtime-loaded packages stay outside the bundle and load from node_modules.
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { transform } from 'esbuild';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rollup } from 'rollup';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (path) => join(root, 'dist', path);
const out = dist('bundle');
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
const EXTERNAL = ['better-sqlite3', 'koffi', 'tree-sitter', 'tree-sitter-bash', 'piscina', 'tsx', 'esbuild', 'wf-runner'];

// In the ES bundles, Node built-ins are required, not imported: an import makes Node build an ES facade of the whole
// built-in module, reading every export (fs alone then loads all of streams), ~12 ms at start-up.
const builtinsAsRequire = {
  name: 'node-builtins-as-require',
  resolveId(source) {
    if (source === 'node:module') return { id: 'node:module', external: true };
    return isBuiltin(source) ? `\0builtin:${source.startsWith('node:') ? source : `node:${source}`}` : null;
  },
  // An `await import('node:fs')` stays an import.
  resolveDynamicImport: (source) => (typeof source === 'string' && isBuiltin(source) ? { id: source, external: true } : null),
  load(id) {
    if (!id.startsWith('\0builtin:')) return null;
    const name = id.slice('\0builtin:'.length);
    const names = Object.keys(require(name)).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n) && n !== 'default');
    return [
      "import { createRequire } from 'node:module';",
      `const m = createRequire(import.meta.url)(${JSON.stringify(name)});`,
      'export default m;',
      ...names.map((n) => `export const ${n} = /* @__PURE__ */ (() => m.${n})();`),
    ].join('\n');
  },
};

/** The constants the bundled code is built with (dist/ code reads them with a typeof guard). */
const defines = {
  name: 'defines',
  transform(code, id) {
    if (!id.startsWith(dist('')) || !code.includes('__WF_')) return null;
    return { code: code.replaceAll('__WF_MODULE_EXT__', JSON.stringify('.mjs')).replaceAll('__WF_VERSION__', JSON.stringify(version)), map: null };
  },
};

/** Comments out of each chunk: Node reads and scans every byte of what it loads (~a quarter of the size). */
const stripComments = {
  name: 'strip-comments',
  async renderChunk(code) {
    return { code: (await transform(code, { loader: 'js', target: 'node20', legalComments: 'none' })).code, map: null };
  },
};

/**
 * The CLI's chunks are scripts bin/wf compiles itself, with V8's code cache (an ES module cannot be
 * given one on Node 20). A script's own `import()` has no module to resolve from, so every dynamic
 * import that is not of a chunk of ours (a hook file, tsx, piscina) calls the `__import` bin/wf
 * passes to each chunk; imports of our chunks become requires.
 */
const importViaBin = {
  name: 'import-via-bin',
  renderDynamicImport: ({ targetChunk }) => (targetChunk ? null : { left: '__import(', right: ')' }),
};

const options = (input, { script = false } = {}) => ({
  input,
  external: (id) => EXTERNAL.some((e) => id === e || id.startsWith(`${e}/`)) || (script && isBuiltin(id)),
  plugins: [
    ...(script ? [importViaBin] : [builtinsAsRequire]),
    defines,
    nodeResolve({ preferBuiltins: true, exportConditions: ['node'] }),
    commonjs(),
    stripComments,
  ],
  onwarn(warning, warn) {
    // Cycles are fine between our own modules; zod carries comments rollup cannot place (it drops them).
    if (warning.code === 'CIRCULAR_DEPENDENCY' || (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('node_modules'))) return;
    warn(warning);
  },
});

/** Modules reached from `roots` by static imports (and dynamic ones too, when asked). */
function closure(getModuleInfo, roots, dynamic = false) {
  const seen = new Set();
  const stack = [...roots];
  while (stack.length > 0) {
    const id = stack.pop();
    if (seen.has(id)) continue;
    seen.add(id);
    const info = getModuleInfo(id);
    if (info) stack.push(...info.importedIds, ...(dynamic ? info.dynamicallyImportedIds : []));
  }
  return seen;
}

/**
 * The chunk of each module `wf run` loads: `main` (what every command loads: commander, the CLI),
 * `store`, `read` (what the history readers `runs`, `logs`, `cancel` also load), `shared` (what
 * other commands also load) and `run` (only runs). Other modules: undefined, split as usual.
 */
function runPathChunks(getModuleInfo) {
  const runApi = dist('api/run.js');
  const chunks = new Map();
  for (const id of closure(getModuleInfo, [dist('cli/main.js')])) chunks.set(id, 'main');
  const readers = new Set();
  const others = new Set();
  for (const file of readdirSync(dist('cli/commands'))) {
    if (!file.endsWith('.js')) continue;
    const reach = closure(getModuleInfo, [dist(`cli/commands/${file}`)], true);
    if (reach.has(runApi)) continue; // a command that runs pipelines loads the run path anyway
    for (const id of reach) (['runs.js', 'logs.js', 'cancel.js'].includes(file) ? readers : others).add(id);
  }
  for (const id of closure(getModuleInfo, [dist('cli/commands/run.js'), runApi])) {
    if (!chunks.has(id)) chunks.set(id, id.startsWith(dist('store/')) ? 'store' : readers.has(id) ? 'read' : others.has(id) ? 'shared' : 'run');
  }
  return chunks;
}

rmSync(out, { recursive: true, force: true });
const cli = await rollup(options({ main: dist('cli/main.js') }, { script: true }));
let chunks;
await cli.write({
  dir: out,
  format: 'cjs',
  // The hash names a chunk's content: bin/wf keys its code cache by file name (main.cjs is a few bytes
  // of re-export, not cached).
  entryFileNames: '[name].cjs',
  chunkFileNames: '[name]-[hash].cjs',
  manualChunks: (id, { getModuleInfo }) => (chunks ??= runPathChunks(getModuleInfo)).get(id),
});
await cli.close();
// Loaded by path, not imported: piscina's worker and the resolve hooks given to module.register.
for (const [name, file] of [['worker', 'executor/worker.js'], ['self-resolve-hooks', 'registry/self-resolve-hooks.js']]) {
  const bundle = await rollup(options({ [name]: dist(file) }));
  await bundle.write({ dir: out, format: 'es', entryFileNames: '[name].mjs', chunkFileNames: `${name}-[name]-[hash].mjs` });
  await bundle.close();
}
