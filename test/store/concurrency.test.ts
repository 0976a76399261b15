import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { tmpDir } from './helpers.js';

const RACER = fileURLToPath(new URL('./fixtures/racer.ts', import.meta.url));
const ROOT = path.resolve(path.dirname(RACER), '../../..');
const run = promisify(execFile);

describe('several processes on one fresh store', () => {
  it('all create/migrate it at once without errors, and exactly one wins a release', { timeout: 60_000 }, async () => {
    const dir = path.join(tmpDir(), '.wf');
    const tags = ['p1', 'p2', 'p3', 'p4', 'p5'];
    const results = await Promise.all(
      tags.map((tag) => run(process.execPath, ['--import', 'tsx', RACER, dir, tag], { cwd: ROOT })),
    );
    expect(results.map((r) => r.stderr)).toEqual(tags.map(() => ''));
    const winners = tags.filter((_, i) => results[i].stdout === 'won');
    expect(winners).toHaveLength(1);

    const store = openStore(dir, { readonly: true });
    try {
      expect(store.listRuns({ pipeline: 'race', limit: Infinity })).toHaveLength(tags.length * 20);
      expect(store.listReleases('race').map((r) => r.runId)).toEqual(winners);
    } finally {
      store.close();
    }
  });
});
