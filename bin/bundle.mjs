#!/usr/bin/env node
// Build step after tsc: bundles the CLI (dist/cli/main.js) and the worker-thread entry into
// dist/bundle/, a few files instead of ~150 modules, because resolving, reading and compiling
// modules one by one was the largest part of wf's start-up (bench/startup.mjs). Code is split at
// each dynamic import, so a command still loads only what it needs.
//
// dist/bundle/ sits one level below dist/, like dist/<folder>/ does: the few paths the code takes
// relative to its own module (`../index.js` for hooks that import wf-runner) mean the same in both.
// Native and runtime-loaded packages stay outside the bundle and load from node_modules.
import { build } from 'esbuild';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Node built-ins are required, not imported: an import makes Node build an ES facade of the whole
// built-in module, reading every export (fs alone then loads all of streams), ~12 ms at start-up.
const builtinsAsRequire = {
  name: 'node-builtins-as-require',
  setup(b) {
    // Static imports only: an `await import('node:fs')` stays an import (esbuild would give it a chunk of its own).
    b.onResolve({ filter: /^node:/ }, (a) => (a.kind === 'import-statement' && a.namespace !== 'node-builtin' ? { path: a.path, namespace: 'node-builtin' } : { path: a.path, external: true }));
    b.onLoad({ filter: /.*/, namespace: 'node-builtin' }, (a) => {
      const names = Object.keys(require(a.path)).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n) && n !== 'default');
      return { contents: [`const m = require(${JSON.stringify(a.path)});`, 'export default m;', ...names.map((n) => `export const ${n} = /* @__PURE__ */ (() => m.${n})();`)].join('\n'), loader: 'js' };
    });
  },
};

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'bundle');
rmSync(out, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: {
    main: 'dist/cli/main.js',
    // Loaded by path, not imported: piscina's worker and the resolve hooks given to module.register.
    worker: 'dist/executor/worker.js',
    'self-resolve-hooks': 'dist/registry/self-resolve-hooks.js',
  },
  outdir: out,
  // .mjs: Node then knows each file is an ES module without walking up to a package.json (~5 ms a start).
  outExtension: { '.js': '.mjs' },
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: process.env.NOSPLIT ? false : true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['better-sqlite3', 'koffi', 'tree-sitter', 'tree-sitter-bash', 'piscina', 'tsx', 'esbuild', 'wf-runner'],
  // CommonJS packages in the bundle (commander, ignore…) call require for Node's own modules.
  banner: { js: "import { createRequire as __wfCreateRequire } from 'node:module'; const require = __wfCreateRequire(import.meta.url);" },
  plugins: [builtinsAsRequire],
  define: { __WF_MODULE_EXT__: JSON.stringify('.mjs'), __WF_VERSION__: JSON.stringify(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version) },
  logLevel: 'warning',
});
