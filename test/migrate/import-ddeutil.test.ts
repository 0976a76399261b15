import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { importDdeutil } from '../../src/migrate/import-ddeutil.js';
import { convertCondition } from '../../src/migrate/python-forms.js';
import { checkConf } from '../helpers/load-conf.js';

const convert = (text: string) => importDdeutil({ file: 'old.yml', text });

describe('wf import ddeutil: what it rewrites', () => {
  it('the single-template form, schedules, descriptions, job ids, runs-on: local and the matrix place', () => {
    const text = [
      '# an ETL',
      'name: etl',
      'type: ddeutil.workflow.Workflow',
      'description: Load things',
      'on:',
      '  schedule:',
      '    - cronjob: "0 2 * * *"',
      '      timezone: UTC',
      'parameters:',
      '  day: {type: choice, description: the day, choices: [a, b]}',
      '  who: {type: string}',
      'jobs:',
      '  load:',
      '    id: load',
      '    desc: Load the rows',
      '    runs-on: {type: local}',
      '    matrix: {table: [a, b]}',
      '    strategy: {max_parallel: 2}',
      '    stages:',
      '      - {name: hi, type: empty, echo: hi}',
      '',
    ].join('\n');
    const r = convert(text);
    expect(r.templates).toEqual(['etl']);
    expect(r.notes).toEqual([]);
    expect(r.text).toMatch(/^# an ETL\n+etl:\n/);
    expect(parse(r.text)).toEqual({
      etl: {
        type: 'Pipeline',
        desc: 'Load things',
        on: [{ cron: '0 2 * * *', timezone: 'UTC' }],
        params: { day: { type: 'choice', desc: 'the day', options: ['a', 'b'] }, who: { type: 'str' } },
        jobs: { load: { name: 'Load the rows', strategy: { matrix: { table: ['a', 'b'] }, 'max-parallel': 2 }, stages: [{ name: 'hi', echo: 'hi' }] } },
      },
    });
    expect(checkConf(r.text).errors).toEqual([]);
  });

  it("run: (ddeutil's Python) becomes shell: python with vars: as assignments; bash: becomes run: without the $$ escape", () => {
    const text = [
      'p:',
      '  type: Workflow',
      '  params: {name: str}',
      '  jobs:',
      '    a:',
      '      stages:',
      '        - vars: {x: "${{ params.name }}", n: 2}',
      '          run: |',
      "            y = '${{ params.name }}'",
      "            print(f'{x} {y} {n}')",
      '        - bash: echo "$$HOME and $$"',
      '          if: "\'${{ params.name }}\' == \\"bob\\" and not False"',
      '',
    ].join('\n');
    const r = convert(text);
    const stages = (parse(r.text) as { p: { jobs: { a: { stages: Array<Record<string, unknown>> } } } }).p.jobs.a.stages;
    expect(stages[0]).toEqual({ run: "# ddeutil-workflow vars:\nx = ${{ params.name }}\nn = 2\ny = ${{ params.name }}\nprint(f'{x} {y} {n}')\n", shell: 'python' });
    expect(stages[1]).toEqual({ run: 'echo "$HOME and $$"', if: "${{ params.name == 'bob' && !false }}" });
    expect(r.notes).toEqual([]);
    expect(checkConf(r.text).errors).toEqual([]);
  });

  it('lists what it cannot convert with the place: runs-on services, deps, hooks to port, expressions inside Python strings, unknown keys', () => {
    const text = [
      'p:', //                                  1
      '  type: Workflow', //                    2
      '  jobs:', //                             3
      '    a:', //                              4
      '      runs-on: {type: aws_batch}', //    5
      '      stages:', //                       6
      '        - uses: tasks/get-items@demo', // 7
      '        - deps: [numpy]', //             8
      '          run: import numpy', //         9
      '        - run: |', //                   10
      '            print(f"hi ${{ params.x }}")', // 11
      '          colour: red', //              12
      '',
    ].join('\n');
    const r = convert(text);
    expect(r.notes.map((n) => `${n.line}:${n.col} ${n.message.split(' (')[0]}`)).toEqual([
      '5:7 not converted: runs-on: aws_batch',
      "7:17 to finish: port the Python hook 'tasks/get-items@demo' to a wf hook",
      '8:11 not converted: deps:',
      '11:24 to finish: a ${{ }} inside a Python string literal',
      "12:11 not converted: stage key 'colour'",
    ]);
    expect(r.notes.every((n) => n.file === 'old.yml')).toBe(true);
  });

  it('a Python condition becomes one expression; one already in that form is kept', () => {
    expect(convertCondition('${{ matrix.sleep }} == 1')).toBe('${{ matrix.sleep == 1 }}');
    expect(convertCondition('False')).toBe('${{ false }}');
    expect(convertCondition('${{ params.x == 1 }}')).toBeUndefined();
  });
});
