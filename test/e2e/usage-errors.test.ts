import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, E2E_FIXTURES, fileLineCol, hasStackTrace, parseDiagnostics, runWf, tmpDir, type Diagnostic, type WfResult } from '../helpers/index.js';

beforeAll(assertBuilt);

const DIR = join(E2E_FIXTURES, 'user-errors');
const PARAMS_FILE = join(DIR, 'conf', 'params.yml');

/** Runs wf in the fixture and returns its one diagnostic with `code`, after the common checks. */
async function refusedWith(args: string[], code: string): Promise<Diagnostic> {
  const r: WfResult = await runWf([...args, '--state', tmpDir()], { cwd: DIR });
  expect(r.code, r.stderr).toBe(2);
  expect(hasStackTrace(r.stderr), r.stderr).toBe(false);
  const diag = parseDiagnostics(r.stderr).find((d) => d.code === code);
  expect(diag, r.stderr).toBeDefined();
  expect(diag!.hint, diag!.text).toMatch(/\S/);
  return diag!;
}

describe.concurrent('param errors name the param, the value and the type', () => {
  it('a missing required param points at its declaration', async () => {
    const d = await refusedWith(['run', 'typed'], 'E_PARAM_MISSING');
    expect(d.message).toContain("'count'");
    expect(d.message).toContain('int');
    expect({ file: d.file, line: d.line, col: d.col }).toEqual({ file: 'conf/params.yml', ...fileLineCol(PARAMS_FILE, 'count: int') });
  });

  it('an unknown -p param is refused with a did-you-mean', async () => {
    const d = await refusedWith(['run', 'typed', '-p', 'count=1', '-p', 'mdoe=full'], 'E_PARAM_UNKNOWN');
    expect(d.message).toContain("'mdoe'");
    expect(d.hint).toContain("did you mean 'mode'");
  });

  it('a value that does not fit the type is refused', async () => {
    const d = await refusedWith(['run', 'typed', '-p', 'count=many'], 'E_PARAM_TYPE');
    expect(d.message).toContain("'count'");
    expect(d.message).toContain('many');
    expect(d.message).toContain('int');
    expect({ file: d.file, line: d.line }).toEqual({ file: 'conf/params.yml', line: fileLineCol(PARAMS_FILE, 'count: int').line });
  });

  it('a choice outside its options and a date that is not one are both reported', async () => {
    const r = await runWf(['run', 'typed', '-p', 'count=1', '-p', 'mode=fast', '-p', 'day=2024-13-45', '--state', tmpDir()], { cwd: DIR });
    expect(r.code).toBe(2);
    const diags = parseDiagnostics(r.stderr).filter((d) => d.code === 'E_PARAM_TYPE');
    expect(diags.map((d) => d.message.match(/param '(\w+)'/)?.[1]).sort()).toEqual(['day', 'mode']);
    expect(diags.find((d) => d.message.includes("'mode'"))!.hint).toContain('full');
  });

  it('an environment value WF_PARAM_<NAME> is checked like -p', async () => {
    const r = await runWf(['run', 'typed', '--state', tmpDir()], { cwd: DIR, env: { WF_PARAM_COUNT: 'lots' } });
    expect(r.code).toBe(2);
    expect(parseDiagnostics(r.stderr).map((d) => d.code)).toContain('E_PARAM_TYPE');
    expect(r.stderr).toContain('lots');
  });

  it('-p without name=value is a usage error', async () => {
    await refusedWith(['run', 'typed', '-p', 'count'], 'E_USAGE');
  });
});

describe.concurrent('unknown templates', () => {
  it('wf run of a template that does not exist suggests the closest name', async () => {
    const d = await refusedWith(['run', 'unknwn-key'], 'E_UNKNOWN_TEMPLATE');
    expect(d.message).toContain('unknwn-key');
    expect(d.hint).toContain("did you mean 'unknown-key'");
  });

  it('the hint for an unknown pipeline lists pipelines only, not schedules', async () => {
    const d = await refusedWith(['run', 'nosuch'], 'E_UNKNOWN_TEMPLATE');
    expect(d.hint).not.toContain('nightly');
    expect(d.hint).not.toContain('every-61-min');
  });

  it('wf run of an On schedule says it is not a pipeline', async () => {
    const d = await refusedWith(['run', 'nightly'], 'E_UNKNOWN_TEMPLATE');
    expect(d.message).toContain('nightly');
  });

  it('wf validate NAME of an unknown pipeline fails with exit 2', async () => {
    const r = await runWf(['validate', 'nosuch-pipeline'], { cwd: DIR });
    expect(r.code).toBe(2);
    expect(parseDiagnostics(r.stderr).map((d) => d.code)).toContain('E_UNKNOWN_TEMPLATE');
  });

  it('a missing conf folder is a usage error, not a crash', async () => {
    const empty = tmpDir();
    const r = await runWf(['run', 'anything'], { cwd: empty });
    expect(r.code).toBe(2);
    expect(hasStackTrace(r.stderr)).toBe(false);
    const d = parseDiagnostics(r.stderr)[0]!;
    expect(d.code).toBe('E_NOT_FOUND');
    expect(d.hint).toContain('--conf');
  });
});

describe.concurrent('command-line usage', () => {
  it('an unknown command or option exits 2 with a message', async () => {
    for (const args of [['frobnicate'], ['run', 'typed', '--frob'], ['run']]) {
      const r = await runWf(args, { cwd: DIR });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/error: /);
      expect(hasStackTrace(r.stderr)).toBe(false);
    }
  });

  it('--max-parallel zero and runs -n 0 explain themselves', async () => {
    for (const args of [['run', 'typed', '-p', 'count=1', '--max-parallel', 'zero'], ['runs', '-n', '0']]) {
      const r = await runWf(args, { cwd: DIR });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/not a positive whole number/);
    }
  });

  it('a params file that cannot be read is a usage error', async () => {
    const d = await refusedWith(['run', 'typed', '--params-file', 'nope.json'], 'E_USAGE');
    expect(d.message).toContain('nope.json');
  });
});
