import { createRequire } from 'node:module';

/** Written into the bundle by bin/bundle.mjs (resolving package.json costs ~5 ms of every start). */
declare const __WF_VERSION__: string | undefined;

/** The package version, from package.json (one place to bump); by the package's own name, so it
 * resolves from any folder of the package. */
export const VERSION: string =
  typeof __WF_VERSION__ === 'string' ? __WF_VERSION__ : (createRequire(import.meta.url)('wf-runner/package.json') as { version: string }).version;
