import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { assertBuilt, parseJson, REPO, runWf, tmpDir } from '../helpers/index.js';

beforeAll(assertBuilt);
vi.setConfig({ testTimeout: 30_000 });

describe('wf init', () => {
  it('makes a project that validates and runs as it is (no npm install needed), and never overwrites', async () => {
    const dir = tmpDir();
    const init = await runWf(['init'], { cwd: dir });
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toMatch(/next: npx wf run hello/);
    for (const f of ['conf/hello.yml', 'hooks/text.ts', '.gitignore', 'package.json', '.wf-schema.json', '.vscode/settings.json']) expect(init.stdout).toContain(f);
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toMatch(/^\.wf\/$/m);
    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))).toMatchObject({ type: 'module', dependencies: { 'wf-runner': expect.any(String) } });
    const v = await runWf(['validate'], { cwd: dir });
    expect(v.code, v.stderr).toBe(0);
    const r = await runWf(['run', 'hello'], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/10 letters/);
    const again = await runWf(['init', '--json'], { cwd: dir });
    expect(parseJson<{ created: string[]; kept: string[] }>(again)).toMatchObject({ created: [], kept: expect.arrayContaining(['conf/hello.yml', 'package.json']) });
  });
});

describe('wf schema', () => {
  async function validator() {
    const r = await runWf(['schema'], { cwd: tmpDir() });
    expect(r.code).toBe(0);
    const ajv = new Ajv2020.default({ strict: false, allErrors: true });
    return ajv.compile(JSON.parse(r.stdout));
  }

  it('accepts the shipped conf/ files (an independent validator: ajv)', async () => {
    const validate = await validator();
    for (const f of readdirSync(join(REPO, 'conf')).filter((x) => x.endsWith('.yml'))) {
      const doc = parse(readFileSync(join(REPO, 'conf', f), 'utf8'));
      expect(validate(doc), `${f}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
    }
  });

  it('rejects a job with need: for needs:', async () => {
    const validate = await validator();
    const doc = parse('p:\n  type: Pipeline\n  jobs:\n    a:\n      stages: [{echo: hi}]\n    b:\n      need: [a]\n      stages: [{echo: hi}]\n');
    expect(validate(doc)).toBe(false);
    expect(JSON.stringify(validate.errors)).toMatch(/need/);
    const good = parse('p:\n  type: Pipeline\n  jobs:\n    a:\n      stages: [{echo: hi}]\n    b:\n      needs: [a]\n      stages: [{echo: hi}]\n');
    expect(validate(good)).toBe(true);
  });
});
