import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HookContext } from '../../src/registry/index.js';

export const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/registry');
export const fixture = (scenario: string): string => join(FIXTURES, scenario);

/** A throw-away folder built from `{ 'path/file.js': 'text' }`; `{ link: '->target' }` makes a symlink. */
export function tmpTree(files: Record<string, string>): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'wf-registry-'));
  for (const [rel, text] of Object.entries(files)) {
    const path = join(dir, rel);
    mkdirSync(dirname(path), { recursive: true });
    if (text.startsWith('->')) symlinkSync(resolve(dir, text.slice(2)), path);
    else writeFileSync(path, text);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A real HookContext that records what the hook logs. */
export function makeContext(overrides: Partial<HookContext['run']> = {}): { ctx: HookContext; logs: string[] } {
  const logs: string[] = [];
  const ctx: HookContext = {
    log: (message) => logs.push(message),
    signal: new AbortController().signal,
    run: { id: 'run-1', pipeline: 'ingest', job: 'extract', stage: 'pull', attempt: 1, release: null, ...overrides },
    secrets: {},
  };
  return { ctx, logs };
}
