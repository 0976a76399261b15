import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, hasStackTrace, parseDiagnostics, parseJson, runWf, tmpProject } from '../helpers/index.js';

beforeAll(assertBuilt);

// A conf/ with one good pipeline, one broken file and one pipeline with several kinds of mistakes.
const FILES = {
  'conf/good.yml': 'good:\n  type: Pipeline\n  params: {day: str}\n  jobs:\n    a: {stages: [{echo: hi}]}\n',
  'conf/broken.yml': 'broken: [unclosed\n',
  'conf/mixed.yml': [
    'mixed:',
    '  type: Pipeline',
    '  jobs:',
    '    a:',
    '      id: a',
    '      strategy: {matrix: {region: eu}}',
    '      needs: [nope]',
    '      stages: [{echo: hi, colour: red}]',
    '',
  ].join('\n'),
};

describe('wf validate and wf list on a conf/ with broken files', () => {
  it('wf validate reports the YAML error, the shape errors and the needs/matrix errors in one run', async () => {
    const dir = tmpProject(FILES);
    const r = await runWf(['validate'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(hasStackTrace(r.stderr)).toBe(false);
    const found = parseDiagnostics(r.stderr).map((d) => `${d.file}:${d.line} ${d.code}`);
    expect(found).toEqual(['conf/broken.yml:1 E_YAML', 'conf/mixed.yml:5 E_UNKNOWN_KEY', 'conf/mixed.yml:6 E_TYPE', 'conf/mixed.yml:7 E_UNKNOWN_NEEDS', 'conf/mixed.yml:8 E_UNKNOWN_KEY']);
  });

  it('wf list lists the pipelines that load, reports the rest on stderr and exits 2', async () => {
    const dir = tmpProject(FILES);
    const r = await runWf(['list'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^good\s+day:str/m);
    expect(r.stdout).not.toMatch(/mixed|broken/);
    expect(parseDiagnostics(r.stderr).map((d) => d.file)).toEqual(['conf/broken.yml', 'conf/mixed.yml', 'conf/mixed.yml', 'conf/mixed.yml', 'conf/mixed.yml']);
    const json = await runWf(['list', '--json'], { cwd: dir });
    expect(json.code).toBe(2);
    expect(parseJson<Array<{ name: string }>>(json).map((p) => p.name)).toEqual(['good']);
    expect(json.stderr).toContain('E_YAML');
  });

  it('wf list exits 0 when everything loads', async () => {
    const dir = tmpProject({ 'conf/good.yml': FILES['conf/good.yml'] });
    const r = await runWf(['list'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });
});
