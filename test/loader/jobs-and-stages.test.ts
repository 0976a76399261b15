import { describe, expect, it } from 'vitest';
import { lineCol } from '../helpers/diagnostics.js';
import { codesAt, inspectFiles } from '../helpers/load-conf.js';

function check(text: string) {
  const { errors, project } = inspectFiles({ 'conf/a.yml': text });
  const at = (needle: string, nth = 1) => {
    const { line, col } = lineCol(text, needle, nth);
    return `${line}:${col}`;
  };
  return { errors, project, at };
}

const pipeline = (jobs: string) => `p:\n  type: Pipeline\n  jobs:\n${jobs}`;

describe('needs', () => {
  it('an unknown job in needs is E_UNKNOWN_NEEDS at that entry, with a did-you-mean', () => {
    const { errors, at } = check(pipeline('    extract: {stages: [{echo: e}]}\n    load:\n      needs: [extract, transfrom]\n      stages: [{echo: l}]\n    solo:\n      needs: nothing\n      stages: [{echo: s}]\n'));
    expect(codesAt(errors)).toEqual([`E_UNKNOWN_NEEDS@${at('transfrom')}`, `E_UNKNOWN_NEEDS@${at('nothing')}`]);
    expect(errors[0]!.hint).toContain('extract');
    expect(errors[1]!.hint).toBeTruthy();
  });

  it('a cycle is E_CYCLE at its first job, and prints the path a → b → c → a', () => {
    const { errors, at } = check(pipeline('    a: {needs: [b], stages: [{echo: a}]}\n    b: {needs: [c], stages: [{echo: b}]}\n    c: {needs: [a], stages: [{echo: c}]}\n    free: {stages: [{echo: f}]}\n'));
    expect(codesAt(errors)).toEqual([`E_CYCLE@${at('a: {')}`]);
    expect(errors[0]!.message).toContain('a → b → c → a');
    expect(errors[0]!.hint).toBeTruthy();
  });

  it('a job needing itself is a cycle; an unknown need beside a cycle reports both', () => {
    const { errors } = check(pipeline('    a: {needs: [a, zz], stages: [{echo: a}]}\n'));
    expect(errors.map((e) => e.code).sort()).toEqual(['E_CYCLE', 'E_UNKNOWN_NEEDS']);
    expect(errors.find((e) => e.code === 'E_CYCLE')!.message).toContain('a → a');
  });
});

describe('stages', () => {
  it('a stage with no kind, or two, is E_STAGE_KIND', () => {
    const { errors, at } = check(pipeline('    a:\n      stages:\n        - id: nothing\n        - run: echo\n          echo: two\n'));
    expect(codesAt(errors)).toEqual([`E_STAGE_KIND@${at('id: nothing')}`, `E_STAGE_KIND@${at('echo: two')}`]);
    for (const e of errors) expect(e.hint).toBeTruthy();
  });

  it('a key of another kind is E_UNKNOWN_KEY (with: on a run stage, sleep: on a uses stage)', () => {
    const { errors, at } = check(pipeline('    a:\n      stages:\n        - run: echo\n          with: {x: 1}\n        - uses: m/h@v1\n          sleep: 1s\n'));
    expect(codesAt(errors)).toEqual([`E_UNKNOWN_KEY@${at('with:')}`, `E_UNKNOWN_KEY@${at('sleep:')}`]);
    expect(errors[0]!.hint).toContain('uses:');
  });

  it('a stage with only a name is an echo; bash: is run', () => {
    const { errors, project } = check(pipeline('    a:\n      stages:\n        - name: Just a note\n        - bash: echo hi\n'));
    expect(errors).toEqual([]);
    expect(project.pipelines.get('p')!.jobs[0]!.stages.map((s) => [s.kind, s.name])).toEqual([['echo', 'Just a note'], ['run', 'bash echo hi']]);
  });

  it('control-flow stages need their parts (foreach and until need stages:, case needs match:)', () => {
    const { errors, at } = check(pipeline('    a:\n      stages:\n        - foreach: [1, 2]\n        - case: x\n        - until: "${{ true }}"\n'));
    expect(codesAt(errors)).toEqual([`E_TYPE@${at('foreach')}`, `E_TYPE@${at('case: x')}`, `E_TYPE@${at('until')}`]);
  });

  it('durations: 1h30m, 500ms, a number of seconds are fine; "5 parsecs" is E_TYPE at the value', () => {
    const { errors, project, at } = check(pipeline('    a:\n      timeout: 1h30m\n      stages:\n        - {echo: x, sleep: 500ms, timeout: 90}\n        - {run: x, timeout: 5 parsecs}\n        - {run: x, retry: {attempts: 2, delay: forever}}\n'));
    expect(codesAt(errors)).toEqual([`E_TYPE@${at('5 parsecs')}`, `E_TYPE@${at('forever')}`]);
    const job = project.pipelines.get('p')?.jobs[0];
    expect(job === undefined || job.timeoutMs === 90 * 60_000).toBe(true);
  });

  it('durations compile to milliseconds', () => {
    const { errors, project } = check(pipeline('    a:\n      timeout: 1h30m\n      stages:\n        - {echo: x, sleep: 500ms, timeout: 90}\n'));
    expect(errors).toEqual([]);
    const job = project.pipelines.get('p')!.jobs[0]!;
    expect(job.timeoutMs).toBe(5_400_000);
    expect(job.stages[0]).toMatchObject({ sleepMs: 500, timeoutMs: 90_000 });
  });

  it('job and stage ids must be names; stage ids are unique within a job', () => {
    const { errors, at } = check(pipeline('    bad id:\n      stages:\n        - {run: x, id: 9lives}\n        - {run: x, id: ok}\n        - {run: x, id: ok}\n    fine:\n      stages: [{run: x, id: ok}]\n'));
    expect(codesAt(errors)).toEqual([`E_TYPE@${at('bad id')}`, `E_TYPE@${at('9lives')}`, `E_DUPLICATE_NAME@${at('ok', 2)}`]);
  });

  it('a pipeline with no jobs is E_TYPE', () => {
    const { errors } = check('p:\n  type: Pipeline\n  jobs: {}\n');
    expect(codesAt(errors)).toEqual(['E_TYPE@3:9']);
  });
});
