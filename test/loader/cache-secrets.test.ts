import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProjectCached } from '../../src/loader/project-cache.js';
import { tmpProject } from '../helpers/tmp-project.js';

// Regression: the compiled-model cache under the state folder held a secret param's default in clear.
describe('the compiled-model cache', () => {
  it('never writes a secret default into the state folder, and still loads the pipeline', async () => {
    const dir = tmpProject({
      'conf/p.yml': 'p:\n  type: Pipeline\n  params:\n    token: {type: secret, default: s3cr3t-DEF}\n  jobs: {a: {stages: [{echo: hi}]}}\n',
      'conf/q.yml': 'q:\n  type: Pipeline\n  params:\n    plain: {type: str, default: visible}\n  jobs: {a: {stages: [{echo: hi}]}}\n',
      '.wf/.keep': '',
    });
    const cacheDir = join(dir, '.wf', 'cache');
    for (let i = 0; i < 2; i++) {
      const project = await loadProjectCached({ conf: join(dir, 'conf'), only: ['p'], cacheDir });
      expect(project.pipelines.get('p')!.params.token!.default).toBe('s3cr3t-DEF');
    }
    await loadProjectCached({ conf: join(dir, 'conf'), only: ['q'], cacheDir });
    const files = readdirSync(cacheDir);
    expect(files.length).toBe(1); // q is cached: the cache itself works
    for (const f of files) expect(readFileSync(join(cacheDir, f), 'utf8')).not.toContain('s3cr3t-DEF');
  });
});
