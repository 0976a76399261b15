import { register } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';

type TsxNamespace = { import: (specifier: string, parentURL: string) => Promise<Record<string, unknown>> };

// One tsx namespace per thread: a tsImport() per file would register one more loader hook each time
// (and return a fresh module instance each call), slowing every later import in the thread.
let tsx: Promise<TsxNamespace> | undefined;

function tsxNamespace(): Promise<TsxNamespace> {
  tsx ??= import('tsx/esm/api').then(({ register }) => register({ namespace: 'wf-registry' }));
  return tsx;
}

let selfResolve = false;

/** Lets a hook's `import … from 'wf-runner'` find the running wf when the project has not installed it. */
function registerSelfResolve(): void {
  if (selfResolve) return;
  selfResolve = true;
  const hooks = new URL('./self-resolve-hooks.js', import.meta.url);
  // Only from the built package (the sources run under a test runner have no .js beside them).
  if (existsSync(fileURLToPath(hooks))) register(hooks);
}

/** Imports a module file natively (.js, .mjs) or through tsx (.ts, .mts: no build step). */
export async function importModuleFile(file: string): Promise<Record<string, unknown>> {
  registerSelfResolve();
  const url = pathToFileURL(file).href;
  const ext = extname(file);
  if (ext === '.ts' || ext === '.mts') return (await tsxNamespace()).import(url, import.meta.url);
  return (await import(url)) as Record<string, unknown>;
}
