import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (where package.json, conf/ and bin/wf are). */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = join(REPO, 'bin', 'wf');
export const E2E_FIXTURES = join(REPO, 'test', 'fixtures', 'e2e');

/** Throws a clear message when `dist/` has not been built (npm test builds it first). */
export function assertBuilt(): void {
  if (!existsSync(join(REPO, 'dist', 'cli', 'main.js'))) {
    throw new Error("dist/cli/main.js is missing: build first with 'npm run build' (npm test does it)");
  }
}
