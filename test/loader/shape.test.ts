import { describe, expect, it } from 'vitest';
import { checkConf as check, codesAt, inspectFiles } from '../helpers/load-conf.js';

describe('template shape (schema) errors', () => {
  it('an unknown key is E_UNKNOWN_KEY at the key, with a did-you-mean', () => {
    const { errors, at } = check('p:\n  type: Pipeline\n  jobs:\n    a:\n      neds: [b]\n      stages: [{echo: a}]\n    b:\n      stages: [{echo: b}]\n');
    expect(codesAt(errors)).toEqual([`E_UNKNOWN_KEY@${at('neds')}`]);
    expect(errors[0]!.hint).toBe("did you mean 'needs'?");
  });

  it('unknown keys deep inside (stage, strategy, retry) are each reported', () => {
    const text = `p:
  type: Pipeline
  jobs:
    a:
      strategy: {matrix: {x: [1]}, max-paralel: 2}
      retry: {attempts: 2, dealy: 1s}
      stages:
        - run: echo
          continue-on-eror: true
`;
    const { errors, at } = check(text);
    expect(codesAt(errors)).toEqual([`E_UNKNOWN_KEY@${at('max-paralel')}`, `E_UNKNOWN_KEY@${at('dealy')}`, `E_UNKNOWN_KEY@${at('continue-on-eror')}`]);
    expect(errors.map((e) => e.hint)).toEqual(["did you mean 'max-parallel'?", "did you mean 'delay'?", "did you mean 'continue-on-error'?"]);
  });

  it('a wrong type is E_TYPE at the value, with a hint', () => {
    const text = 'p:\n  type: Pipeline\n  jobs:\n    a:\n      strategy: {max-parallel: two}\n      needs: 5\n      stages: {run: echo}\n';
    const { errors, at } = check(text);
    expect(codesAt(errors)).toEqual([`E_TYPE@${at('two')}`, `E_TYPE@${at('5')}`, `E_TYPE@${at('{run: echo}')}`]);
    for (const e of errors) expect(e.hint).toBeTruthy();
  });

  it('a value outside an enum suggests the closest one', () => {
    const { errors, at } = check('p:\n  type: Pipeline\n  jobs:\n    a:\n      trigger-rule: all_sucess\n      stages: [{echo: a}]\n');
    expect(codesAt(errors)).toEqual([`E_TYPE@${at('all_sucess')}`]);
    expect(errors[0]!.hint).toBe("did you mean 'all_success'?");
  });

  it('a missing required key is E_TYPE at its parent', () => {
    const { errors } = check('p:\n  type: Pipeline\n  desc: no jobs here\n');
    expect(codesAt(errors)).toEqual(['E_TYPE@2:3']);
    expect(errors[0]!.message).toContain("'jobs'");
  });

  it('a number below its minimum says so', () => {
    const { errors, at } = check('p:\n  type: Pipeline\n  jobs:\n    a:\n      retry: {attempts: 0}\n      stages: [{echo: a}]\n');
    expect(codesAt(errors)).toEqual([`E_TYPE@${at('0}')}`]);
    expect(errors[0]!.hint).toBeTruthy();
  });

  // Regression: a list of maps in a string-or-list union was reported as "on must be a string or a map, got a list".
  it('inside a union, the problem is reported where it is (on[0].timezone), not as the union', () => {
    const { errors, at } = check('p:\n  type: Pipeline\n  on: [{cron: "0 2 * * *", timezone: 5}]\n  jobs: {a: {stages: [{echo: a}]}}\n');
    expect(codesAt(errors)).toEqual([`E_TYPE@${at('5}')}`]);
    expect(errors[0]!.message).toContain('on[0].timezone');
  });

  // Regression: numeric keys (`2:`) were looked up as strings and errors fell back to line 1.
  it('locates errors under numeric keys', () => {
    const { errors, at } = check('p:\n  type: Pipeline\n  jobs:\n    2:\n      stages: [{run: x, id: 3}]\n');
    expect(codesAt(errors)).toEqual([`E_TYPE@${at('3}')}`]);
  });

  it('unknown keys do not stop the other checks: a cycle in the same pipeline is reported too', () => {
    const { errors, at } = check('p:\n  type: Pipeline\n  colour: red\n  jobs:\n    a: {needs: [b], stages: [{echo: a}]}\n    b: {needs: [a], stages: [{echo: b}]}\n');
    expect(codesAt(errors)).toEqual([`E_UNKNOWN_KEY@${at('colour')}`, `E_CYCLE@${at('a: {')}`]);
  });

  it('a pipeline with every part of the format compiles (control-flow stages validate today)', () => {
    const text = `p:
  type: Workflow
  desc: all of it
  on: [{cron: "0 2 * * *", timezone: Europe/Paris}]
  schedule: {catchup: all, skip-delayed-by: 2h, concurrency: queue}
  params:
    region: str
    day: {type: datetime, default: release}
    tables: {type: array, default: [a, b]}
    mode: {type: choice, options: [full, delta], default: delta}
    token: {type: secret}
  env: {TZ: UTC}
  jobs:
    extract:
      strategy: {matrix: {table: "\${{ params.tables }}"}, max-parallel: 2, fail-fast: false}
      timeout: 1h30m
      retry: {attempts: 3, delay: 10s, backoff: exponential}
      stages:
        - foreach: \${{ params.tables }}
          concurrency: 2
          stages: [{run: 'echo "\${{ item }} \${{ index }}"'}]
        - case: \${{ params.mode }}
          match:
            - {case: full, stages: [{run: ./full.sh}]}
            - else: [{run: ./delta.sh}]
        - parallel: {left: [{echo: "\${{ branch }}"}], right: [{run: ./b.sh}]}
          max-parallel: 2
        - id: poll
          until: "\${{ stages.poll.outputs.state == 'done' }}"
          max-loop: 5
          stages: [{id: check, echo: polling}]
        - id: gate
          input: {prompt: Approve?, schema: {approved: bool, reviewer: str}}
        - trigger: other
          params: {region: eu}
        - raise: stop here
          if: \${{ failure() }}
    load:
      needs: extract
      if: params.mode == 'full'
      trigger-rule: none_failed
      continue-on-error: true
      outputs: {n: "\${{ needs.extract.outputs.n }}"}
      stages: [{name: only a name}, {bash: echo, shell: sh}, {echo: hi, sleep: 1s}]
  on-failure:
    stages: [{run: 'echo "\${{ run.id }} failed"'}]
other:
  type: Pipeline
  params: {region: str}
  jobs:
    j:
      stages: [{echo: hi}]
`;
    const { errors, project } = inspectFiles({ 'conf/a.yml': text });
    expect(errors).toEqual([]);
    const p = project.pipelines.get('p')!;
    expect(p.jobs.map((j) => j.id)).toEqual(['extract', 'load']);
    expect(p.jobs[0]!.stages.map((s) => s.kind)).toEqual(['foreach', 'case', 'parallel', 'until', 'input', 'trigger', 'raise']);
    expect(p.jobs[1]!.stages.map((s) => s.kind)).toEqual(['echo', 'run', 'echo']);
    expect(p.jobs[0]!.timeoutMs).toBe(90 * 60_000);
    expect(p.jobs[0]!.retry).toEqual({ attempts: 3, delayMs: 10_000, backoff: 'exponential', maxDelayMs: 3_600_000 });
    expect(p.schedule.skipDelayedByMs).toBe(2 * 3600_000);
    expect(p.jobs[1]!.needs).toEqual(['extract']);
  });
});
