import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';
import { REPO } from './paths.js';

const made: string[] = [];

// Every file that imports this helper removes its temp projects when it ends.
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export interface TmpProjectOptions {
  /** Link `node_modules/wf-runner` to this repository, so hooks can `import { defineHook } from 'wf-runner'`. */
  linkPackage?: boolean;
}

/**
 * A throw-away project folder built from `{ 'conf/p.yml': '…', 'hooks/m.ts': '…' }`; returns its path.
 * Run wf with `cwd` = this folder: its state then defaults to `<dir>/.wf`.
 */
export function tmpProject(files: Record<string, string>, o: TmpProjectOptions = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'wf-e2e-'));
  made.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    const path = join(dir, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  if (o.linkPackage) {
    mkdirSync(join(dir, 'node_modules'), { recursive: true });
    symlinkSync(REPO, join(dir, 'node_modules', 'wf-runner'), 'dir');
  }
  return dir;
}

/** An empty temp folder (for `--state` or outputs), removed with the others. */
export function tmpDir(): string {
  return tmpProject({});
}
