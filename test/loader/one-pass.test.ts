import { describe, expect, it } from 'vitest';
import { checkConf, codesAt, inspectFiles } from '../helpers/load-conf.js';

describe('all problems in one pass', () => {
  it('a shape error (wrong type, unknown key) does not hide needs, cron and expression errors', () => {
    const text = [
      'p:',
      '  type: Pipeline',
      '  on: [{cron: "0 25 * * *"}]',
      '  jobs:',
      '    a:',
      '      needs: [nope]',
      '      timeout: [1]',
      '      retry: {attempts: 0}',
      '      stages:',
      '        - run: echo ${{ params.missing }}',
      '          shell: fish',
      '          colour: red',
      '',
    ].join('\n');
    const { errors, at } = checkConf(text);
    const codes = codesAt(errors);
    expect(codes).toContain(`E_CRON@${at('"0 25 * * *"')}`);
    expect(codes).toContain(`E_UNKNOWN_NEEDS@${at('nope')}`);
    expect(codes).toContain(`E_TYPE@${at('[1]')}`);
    expect(codes).toContain(`E_TYPE@${at('0}')}`);
    expect(codes).toContain(`E_TYPE@${at('fish')}`);
    expect(codes).toContain(`E_UNKNOWN_KEY@${at('colour')}`);
    expect(codes.some((c) => c.startsWith(`E_EXPR_REF@${at('params.missing').split(':')[0]}:`))).toBe(true);
  });

  it('a broken schedule list does not stop the checks of the jobs', () => {
    const { errors, at } = checkConf('p:\n  type: Pipeline\n  on: [{crn: "* * * * *"}]\n  jobs:\n    a: {needs: [b], stages: [{echo: hi}]}\n');
    expect(codesAt(errors)).toEqual(expect.arrayContaining([`E_UNKNOWN_KEY@${at('crn')}`, `E_UNKNOWN_NEEDS@${at('b]')}`]));
  });

  it('a wrong param spec stops the pipeline (its references would all be false alarms), not the file', () => {
    const { errors, project } = inspectFiles({ 'conf/a.yml': 'p:\n  type: Pipeline\n  params: {x: 5}\n  jobs: {a: {stages: [{run: "echo ${{ params.x }}"}]}}\nq:\n  type: Pipeline\n  jobs: {a: {needs: [z], stages: [{echo: hi}]}}\n' });
    expect(errors.map((e) => e.code)).toEqual(['E_TYPE', 'E_UNKNOWN_NEEDS']);
    expect([...project.pipelines.keys()]).toEqual(['q']);
  });
});

describe('matrix mistakes are located load errors', () => {
  it('an axis that is not a list is an E_TYPE at its value', () => {
    const { errors, at } = checkConf('p:\n  type: Pipeline\n  jobs:\n    a:\n      strategy:\n        matrix: {region: eu, table: [a, b]}\n      stages: [{echo: hi}]\n');
    expect(codesAt(errors)).toEqual([`E_TYPE@${at('eu')}`]);
    expect(errors[0]!.message).toContain("matrix axis 'region' must be a list");
  });

  it('an axis given by an expression is left to run time; an exclude key that names no axis is placed at the key', () => {
    const { errors, at } = checkConf('p:\n  type: Pipeline\n  params: {t: {type: array, default: [a]}}\n  jobs:\n    a:\n      strategy:\n        matrix:\n          table: ${{ params.t }}\n          exclude: [{tabel: a}]\n      stages: [{echo: hi}]\n');
    expect(codesAt(errors)).toEqual([`E_TYPE@${at('tabel')}`]);
    expect(errors[0]!.hint).toBe("did you mean 'table'?");
  });

  it('include/exclude under strategy: mean what they mean under matrix: (SPEC §2.3)', () => {
    const job = (where: 'strategy' | 'matrix') => {
      const entries = 'include: [{os: mac, node: 22}]\n          exclude: [{os: linux, node: 18}]';
      const text =
        where === 'matrix'
          ? `p:\n  type: Pipeline\n  jobs:\n    a:\n      strategy:\n        matrix:\n          os: [linux]\n          node: [18, 20]\n          ${entries}\n      stages: [{echo: hi}]\n`
          : `p:\n  type: Pipeline\n  jobs:\n    a:\n      strategy:\n        matrix:\n          os: [linux]\n          node: [18, 20]\n        ${entries.replace('\n          ', '\n        ')}\n      stages: [{echo: hi}]\n`;
      const { errors, project } = inspectFiles({ 'conf/a.yml': text });
      expect(errors).toEqual([]);
      return project.pipelines.get('p')!.jobs[0]!.matrix;
    };
    expect(job('strategy')).toEqual(job('matrix'));
    expect(job('strategy')).toEqual({ axes: { os: ['linux'], node: [18, 20] }, include: [{ os: 'mac', node: 22 }], exclude: [{ os: 'linux', node: 18 }] });
  });

  it('include: in both places, or include/max-parallel beside no matrix (they would do nothing), is an error at the strategy key', () => {
    const both = checkConf('p:\n  type: Pipeline\n  jobs:\n    a:\n      strategy:\n        matrix: {x: [1], include: [{x: 2}]}\n        include: [{x: 3}]\n      stages: [{echo: hi}]\n');
    expect(codesAt(both.errors)).toEqual([`E_TYPE@${both.at('include: [{x: 3}]')}`]);
    const alone = checkConf('p:\n  type: Pipeline\n  jobs:\n    a:\n      strategy: {exclude: [{x: 1}], max-parallel: 2}\n      stages: [{echo: hi}]\n');
    expect(codesAt(alone.errors)).toEqual([`E_TYPE@${alone.at('exclude')}`, `E_TYPE@${alone.at('max-parallel')}`]);
  });
});

describe('static mistakes that used to surface only at run time', () => {
  it("a trigger's params are checked against the child's: unknown, missing and ill-typed, each at its place", () => {
    const text = [
      'child:',
      '  type: Pipeline',
      '  params: {region: str, n: {type: int, default: 1}}',
      '  jobs: {a: {stages: [{echo: hi}]}}',
      'parent:',
      '  type: Pipeline',
      '  params: {r: str}',
      '  jobs:',
      '    a:',
      '      stages:',
      '        - trigger: child',
      '          params: {regon: eu, n: many}',
      '        - trigger: child',
      '          params: {region: "${{ params.r }}", n: 2}',
      '',
    ].join('\n');
    const { errors, at } = checkConf(text);
    expect(codesAt(errors)).toEqual([`E_PARAM_MISSING@${at('trigger: child')}`, `E_PARAM_UNKNOWN@${at('regon')}`, `E_PARAM_TYPE@${at('n: many')}`]);
    expect(errors[1]!.hint).toBe("did you mean 'region'?");
  });

  it('a literal foreach: that is not a list is an error at its value; one expression is left to run time', () => {
    const { errors, at } = checkConf('p:\n  type: Pipeline\n  params: {t: {type: array, default: [a]}}\n  jobs:\n    a:\n      stages:\n        - {foreach: "a,b", stages: [{echo: hi}]}\n        - {foreach: "${{ params.t }}", stages: [{echo: hi}]}\n');
    expect(codesAt(errors)).toEqual([`E_TYPE@${at('"a,b"')}`]);
  });
});
