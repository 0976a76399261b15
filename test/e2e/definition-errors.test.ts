import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, E2E_FIXTURES, fileLineCol, hasStackTrace, parseDiagnostics, parseJson, readRuns, runWf, tmpDir, type Diagnostic, type WfResult } from '../helpers/index.js';

beforeAll(assertBuilt);

// One conf/ with one mistake per pipeline (see the fixture's files); `wf validate` sees them all.
const DIR = join(E2E_FIXTURES, 'user-errors');

interface Case {
  pipeline: string;
  code: string;
  file: string;
  /** Text the caret should point at (its first character); `nth` picks a later occurrence. */
  at: string;
  nth?: number;
  /** Words the message or hint must contain. */
  mentions?: string[];
}

const CASES: Case[] = [
  { pipeline: 'yaml-broken', code: 'E_YAML', file: 'conf/yaml-broken.yml', at: 'note: this breaks' },
  { pipeline: 'unknown-key', code: 'E_UNKNOWN_KEY', file: 'conf/shapes.yml', at: 'neds', mentions: ["did you mean 'needs'"] },
  { pipeline: 'wrong-type', code: 'E_TYPE', file: 'conf/shapes.yml', at: 'two', mentions: ['max-parallel', 'number'] },
  { pipeline: 'twice', code: 'E_DUPLICATE_NAME', file: 'conf/dup-two.yml', at: 'twice:', mentions: ['conf/dup-one.yml:1'] },
  { pipeline: 'bad-cron', code: 'E_CRON', file: 'conf/schedules/on.yml', at: '"61 * * * *"' },
  { pipeline: 'bad-inline-cron', code: 'E_CRON', file: 'conf/schedules/on.yml', at: '"0 2 * *"' },
  { pipeline: 'bad-timezone', code: 'E_TIMEZONE', file: 'conf/schedules/on.yml', at: 'Mars/Olympus_Mons' },
  { pipeline: 'unknown-on', code: 'E_UNKNOWN_ON', file: 'conf/schedules/on.yml', at: 'nightlly', mentions: ["did you mean 'nightly'"] },
  { pipeline: 'unknown-needs', code: 'E_UNKNOWN_NEEDS', file: 'conf/dag.yml', at: 'transfrom', mentions: ['extract'] },
  { pipeline: 'cycle', code: 'E_CYCLE', file: 'conf/dag.yml', at: 'a:\n      needs: [b]', mentions: ['a → b → c → a'] },
  { pipeline: 'unknown-hook', code: 'E_UNKNOWN_HOOK', file: 'conf/hooks.yml', at: 'uses: tools/lod@v1', mentions: ["did you mean 'tools/load@v1'"] },
  { pipeline: 'unknown-module', code: 'E_UNKNOWN_HOOK', file: 'conf/hooks.yml', at: 'uses: tool/load@v1', mentions: ["'tools'"] },
  { pipeline: 'registry-escape', code: 'E_REGISTRY_ESCAPE', file: 'conf/hooks.yml', at: 'uses: ../x/y@v1' },
  { pipeline: 'unknown-param-ref', code: 'E_EXPR_REF', file: 'conf/refs.yml', at: 'echo "${{ params.nmae }}"', mentions: ['nmae', "did you mean 'name'"] },
  { pipeline: 'unknown-trigger', code: 'E_UNKNOWN_TEMPLATE', file: 'conf/refs.yml', at: 'trigger: unknown-pipline', mentions: ['unknown-pipline'] },
];

// Ways `with:` can be wrong, all in pipeline bad-with (the wrong-type one is a todo below).
const BAD_WITH: Case[] = [
  { pipeline: 'bad-with', code: 'E_HOOK_WITH', file: 'conf/hooks.yml', at: 'colour', mentions: ['colour'] },
  { pipeline: 'bad-with', code: 'E_HOOK_WITH', file: 'conf/hooks.yml', at: 'uses: tools/load@v1\n          with: {limit: 3}', mentions: ['table'] },
];

/** Asserts wf refused with exit 2 and no stack trace, and returns its diagnostics. */
function refused(r: WfResult): Diagnostic[] {
  expect(r.code, r.stdout + r.stderr).toBe(2);
  expect(hasStackTrace(r.stderr) || hasStackTrace(r.stdout), r.stderr).toBe(false);
  const diags = parseDiagnostics(r.stderr);
  expect(diags.length, r.stderr).toBeGreaterThan(0);
  return diags;
}

/** The diagnostic for `c`, with its place, code and hint checked. */
function expectDiagnostic(diags: Diagnostic[], c: Case): Diagnostic {
  const want = fileLineCol(join(DIR, c.file), c.at, c.nth);
  const found = diags.find((d) => d.code === c.code && d.file === c.file && d.line === want.line);
  expect(found, `${c.code} at ${c.file}:${want.line} in:\n${diags.map((d) => d.text).join('\n')}`).toBeDefined();
  expect(found!.col, found!.text).toBe(want.col);
  expect(found!.hint, `no hint: ${found!.text}`).toMatch(/\S/);
  expect(found!.source, found!.text).toBeDefined(); // the source line with a caret
  for (const word of c.mentions ?? []) expect(`${found!.message}\n${found!.hint}`).toContain(word);
  return found!;
}

// Concurrent: vitest runs one file at a time on this 2-core machine; overlapping wf processes use both cores.
describe.concurrent('definition errors: exit 2, code, file:line:col, a hint, no stack trace', () => {
  let validated: Diagnostic[];
  beforeAll(async () => {
    validated = refused(await runWf(['validate'], { cwd: DIR }));
  });

  it('wf validate reports every problem of conf/ in one go', () => {
    for (const c of [...CASES, ...BAD_WITH]) expectDiagnostic(validated, c);
    expect(new Set(validated.map((d) => d.code)).size).toBeGreaterThanOrEqual(12);
  });

  it.each(CASES.map((c) => [c.pipeline, c] as const))('wf run %s', async (_name, c) => {
    const diags = refused(await runWf(['run', c.pipeline, '--state', tmpDir()], { cwd: DIR }));
    expectDiagnostic(diags, c);
  });

  it('bad with: (unknown input, wrong type, missing required) through wf run and wf validate PIPELINE', async () => {
    const run = refused(await runWf(['run', 'bad-with', '--state', tmpDir()], { cwd: DIR }));
    const named = refused(await runWf(['validate', 'bad-with'], { cwd: DIR }));
    for (const c of BAD_WITH) {
      expectDiagnostic(run, c);
      expectDiagnostic(named, c);
    }
  });

  it('bad with: a wrong-typed input has a hint naming the type', async () => {
    const r = refused(await runWf(['validate', 'bad-with'], { cwd: DIR }));
    const typed = r.find((d) => d.code === 'E_HOOK_WITH' && d.message.includes("'lots'"));
    expect(typed, JSON.stringify(r)).toBeDefined();
    expect(typed!.hint).toMatch(/limit.*int/);
  });

  it('wf validate --json prints the same problems as JSON and nothing else', async () => {
    const r = await runWf(['validate', '--json'], { cwd: DIR });
    expect(r.code).toBe(2);
    const doc = parseJson<{ ok: boolean; errors: Array<{ code: string; loc?: { file: string; line: number; col: number }; hint?: string }> }>(r);
    expect(doc.ok).toBe(false);
    for (const c of [...CASES, ...BAD_WITH]) {
      const want = fileLineCol(join(DIR, c.file), c.at, c.nth);
      expect(doc.errors).toContainEqual(expect.objectContaining({ code: c.code, loc: expect.objectContaining({ file: c.file, line: want.line, col: want.col }) }));
    }
  });

  it('WF_DEBUG=1 adds the stack trace the normal output leaves out', async () => {
    const r = await runWf(['run', 'cycle', '--state', tmpDir()], { cwd: DIR, env: { WF_DEBUG: '1' } });
    expect(r.code).toBe(2);
    expect(hasStackTrace(r.stderr), r.stderr).toBe(true);
  });

  it('a run of a broken pipeline records nothing in the store', async () => {
    const state = tmpDir();
    refused(await runWf(['run', 'cycle', '--state', state], { cwd: DIR }));
    expect(readRuns(state)).toEqual([]);
  });
});
