import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checksum } from '../../src/loader/checksum.js';
import { assertBuilt, hasStackTrace, runWf, tmpProject } from '../helpers/index.js';

beforeAll(assertBuilt);

const conf = 'p:\n  type: Pipeline\n  jobs:\n    j:\n      stages: [{echo: "from the conf"}]\n';

describe('a compiled-model cache entry of the wrong shape', { timeout: 60_000 }, () => {
  it('is ignored and rebuilt: the run works and the entry is valid again', async () => {
    const dir = tmpProject({ 'conf/p.yml': conf });
    const first = await runWf(['run', 'p'], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    const cacheDir = join(dir, '.wf', 'cache');
    const [name] = readdirSync(cacheDir).filter((n) => n.endsWith('.json'));
    const file = join(cacheDir, name!);
    // A checksum line, then the entry's JSON.
    const read = () => {
      const text = readFileSync(file, 'utf8');
      return JSON.parse(text.slice(text.indexOf('\n') + 1)) as Record<string, unknown>;
    };
    const good = read();
    const crafted = [
      'null',
      '[]',
      JSON.stringify({ ...good, files: null }),
      JSON.stringify({ ...good, names: 'p' }),
      JSON.stringify({ ...good, pipelines: [{ kind: 'Pipeline' }] }),
      JSON.stringify({ ...good, pipelines: (good.pipelines as Array<Record<string, unknown>>).map((p) => ({ ...p, jobs: 'not a list' })) }),
      JSON.stringify({ ...good, hashes: {} }),
      JSON.stringify({ ...good, files: { 'conf/p.yml': 'a bare hash' } }),
      // Another key's entry under this name (the name is a short hash of the key).
      JSON.stringify({ ...good, key: '["another key"]' }),
    ];
    // Each with its checksum right, so the shape check is what must reject it (test/api/project-cache
    // has an entry whose checksum does not match).
    for (const text of crafted.map((json) => `${checksum(json)}\n${json}`)) {
      writeFileSync(file, text);
      const r = await runWf(['run', 'p'], { cwd: dir });
      expect(r.code, `${text.slice(0, 80)}\n${r.stderr}`).toBe(0);
      expect(hasStackTrace(r.stderr)).toBe(false);
      expect(r.stdout + r.stderr).toContain('from the conf');
      // The same entry again (its file stamps may differ: the conf file is new, so "racy" at first).
      const { files, ...model } = read();
      const { files: goodFiles, ...goodModel } = good;
      expect(model).toEqual(goodModel);
      expect(Object.keys(files as object)).toEqual(Object.keys(goodFiles as object));
    }
  });
});
