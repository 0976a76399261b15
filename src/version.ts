import { createRequire } from 'node:module';

/** The package version, read from package.json (one place to bump); by the package's own name, so
 * it resolves from the bundle (dist/bundle/) as from dist/. */
export const VERSION: string = (createRequire(import.meta.url)('wf-runner/package.json') as { version: string }).version;
