import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, hasStackTrace, parseDiagnostics, parseJson, REPO, runWf, tmpDir, tmpProject } from '../helpers/index.js';

beforeAll(assertBuilt);

const FIXTURES = join(REPO, 'test', 'fixtures', 'ddeutil');
const COMMON = join(FIXTURES, 'tests-conf', 'demo', '01_00_wf_common.yml');

describe('wf import ddeutil', () => {
  it('prints the converted file on stdout and lists the places to finish on stderr as file:line:col', async () => {
    const r = await runWf(['import', 'ddeutil', COMMON], { cwd: tmpDir() });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  on:\n    - cron: "*/5 * * * *"');
    expect(r.stdout).toContain('shell: python');
    expect(r.stdout).toContain('echo "ENV $PASSING";');
    const places = r.stderr.split('\n').filter((l) => /^\S+:\d+:\d+ {2}/.test(l));
    expect(places[0]).toMatch(/01_00_wf_common\.yml:18:15 {2}to finish: stage 'hello-world' is Python/);
    expect(r.stderr).toMatch(/9 templates from 1 file converted; \d+ places listed above/);
  });

  it('--out writes the files, refuses to overwrite without --force, and what it wrote validates as it says', async () => {
    const dir = tmpProject({ 'hooks/.keep': '' });
    const first = await runWf(['import', 'ddeutil', join(FIXTURES, 'docs-examples', '01-etl-s3.yml'), join(FIXTURES, 'tests-inline'), '--out', 'conf'], { cwd: dir });
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('next: wf validate --conf conf');
    const written = readFileSync(join(dir, 'conf', '01-etl-s3.yml'), 'utf8');
    expect(written.startsWith('etl-s3:\n')).toBe(true);

    writeFileSync(join(dir, 'conf', 'test_stage_until-L280.yml'), 'mine: {}\n');
    const again = await runWf(['import', 'ddeutil', join(FIXTURES, 'tests-inline'), '--out', 'conf'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(hasStackTrace(again.stderr)).toBe(false);
    expect(parseDiagnostics(again.stderr)[0]!.code).toBe('E_USAGE');
    expect(readFileSync(join(dir, 'conf', 'test_stage_until-L280.yml'), 'utf8')).toBe('mine: {}\n');
    const forced = await runWf(['import', 'ddeutil', join(FIXTURES, 'tests-inline'), '--out', 'conf', '--force'], { cwd: dir });
    expect(forced.code).toBe(0);
    expect(readFileSync(join(dir, 'conf', 'test_stage_until-L280.yml'), 'utf8')).toContain('tmp-wf-until:');
  });

  it('--json gives each file, its templates and the notes with their places', async () => {
    const r = await runWf(['import', 'ddeutil', COMMON, '--json'], { cwd: tmpDir() });
    const doc = parseJson<{ files: Array<{ source: string; templates: string[]; notes: Array<{ line: number; col: number; message: string }>; text: string }> }>(r);
    expect(doc.files[0]!.templates).toHaveLength(9);
    expect(doc.files[0]!.notes.every((n) => n.line > 0 && n.col > 0)).toBe(true);
  });

  it('an unknown source runner or a missing file is a usage error', async () => {
    expect((await runWf(['import', 'airflow', COMMON], { cwd: tmpDir() })).code).toBe(2);
    const missing = await runWf(['import', 'ddeutil', 'nope.yml', '--out', 'conf'], { cwd: tmpDir() });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('E_NOT_FOUND');
  });

  it("after import, more of ddeutil-workflow's own templates pass wf validate than before", async () => {
    // Inline test files are converted one folder at a time with tests-conf/ (its tests' conf root).
    const dir = tmpProject({ 'hooks/.keep': '' });
    expect((await runWf(['import', 'ddeutil', join(FIXTURES, 'tests-conf'), '--out', 'conf'], { cwd: dir })).code).toBe(0);
    const r = await runWf(['validate', '--json'], { cwd: dir });
    const { errors } = parseJson<{ errors: Array<{ code: string; message: string; loc?: { file: string } }> }>(r);
    // What is left is what wf cannot take as it is (each listed by the import as a place to finish,
    // or a mistake in their own fixtures): hooks to port, Python strings, expressions in ids and
    // uses:, On templates their repository no longer has, a matrix without strategy, 02_on_raise.
    const expected = [
      /hook module 'tasks' not found/,
      /inside a Python string literal/,
      /holds an expression; a stage id is a fixed name/,
      /^uses: 'tasks\/simple-\$\{\{ matrix\.system \}\}-task@demo' has a bad name/,
      /^unknown schedule 'every_[23]_minute_bkk'/,
      /^matrix is used but job 'job-stage-condition' has no strategy\.matrix/,
      /^trigger: pipeline 'process-workflow' has no param 'stream'/, // ddeutil ignores extra params; wf refuses them
    ];
    const unexplained = errors.filter((e) => !e.loc?.file.endsWith('02_on_raise.yml') && !expected.some((re) => re.test(e.message)));
    expect(unexplained).toEqual([]);
    expect(errors.length).toBeLessThan(25);
    expect(existsSync(join(dir, 'conf', 'routing.yml'))).toBe(true);
  });
});

it('wf import --help shows an example', async () => {
  const r = await runWf(['import', '--help'], { cwd: tmpDir() });
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('wf import ddeutil old/conf --out conf');
});
