import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectProject } from '../../src/loader/index.js';
import { checkConf, codesAt } from '../helpers/load-conf.js';
import { REPO } from '../helpers/paths.js';

const FIXTURES = join(REPO, 'test', 'fixtures', 'ddeutil');

describe("ddeutil-workflow's forms get one precise error each, and the rest is still checked", () => {
  it('a one-template file with a top-level name: is one template, not one per key', () => {
    const { errors, project } = inspectProject({ conf: join(FIXTURES, 'docs-examples') });
    expect(project.names.has('etl-s3')).toBe(true);
    for (const key of ['name', 'type', 'desc', 'description', 'on', 'params', 'jobs']) expect(project.names.has(key)).toBe(false);
    const form = errors.filter((e) => e.message.includes("ddeutil-workflow's form (a top-level name:"));
    expect(form).toHaveLength(15);
    expect(form.every((e) => e.loc!.col === 1 && /indent the rest under it/.test(e.hint!) && /wf import ddeutil/.test(e.hint!))).toBe(true);
    // Checked past the form error: a job's needs, cron and expressions are still looked at.
    expect(errors.some((e) => e.loc!.file.endsWith('01-etl-s3.yml') && e.message.includes("a job has no id: key (job 'data-extraction')"))).toBe(true);
    expect(errors.some((e) => /template '(name|type|desc|description|params|jobs|on)'/.test(e.message))).toBe(false);
  });

  it("id: on a job says what the job's id is, never \"did you mean 'if'\"", () => {
    const text = 'p:\n  type: Workflow\n  jobs:\n    load:\n      id: load\n      stages: [{echo: hi}]\n    other:\n      id: renamed\n      stages: [{echo: hi}]\n';
    const { errors, at } = checkConf(text);
    expect(codesAt(errors)).toEqual([`E_UNKNOWN_KEY@${at('id: load')}`, `E_UNKNOWN_KEY@${at('id: renamed')}`]);
    expect(errors[0]!.hint).toContain("the key under jobs: is the job's id ('load')");
    expect(errors[1]!.hint).toContain("rename the job to 'renamed'");
    expect(errors.some((e) => e.hint?.includes("'if'"))).toBe(false);
  });

  it('on: {schedule: [{cronjob: …}]} gets the rewrite as a hint and does not stop the other checks', () => {
    const text = [
      'p:',
      '  type: Workflow',
      '  on:',
      '    schedule:',
      '      - cronjob: "61 * * * *"',
      '        timezone: Asia/Bangkok',
      '  jobs:',
      '    a:',
      '      needs: [nope]',
      '      stages: [{run: "echo ${{ params.missing }}"}]',
      '',
    ].join('\n');
    const { errors, at } = checkConf(text);
    const line = (needle: string) => at(needle).split(':')[0];
    expect(codesAt(errors)).toEqual([`E_TYPE@${at('schedule:')}`, `E_UNKNOWN_KEY@${at('cronjob')}`, `E_CRON@${at('"61 * * * *"')}`, `E_UNKNOWN_NEEDS@${at('nope')}`, expect.stringMatching(new RegExp(`^E_EXPR_REF@${line('params.missing')}:`))]);
    expect(errors[0]!.hint).toContain("on: [{cron: '0 2 * * *', timezone: UTC}]");
    expect(errors[1]!.hint).toContain('cron:');
  });

  it('ddeutil type names are told apart from typos, and the template is still checked as what they mean', () => {
    const text = 'p:\n  type: ddeutil.workflow.Workflow\n  jobs:\n    a:\n      needs: [b]\n      stages: [{echo: hi}]\nevery:\n  type: Crontab\n  cronjob: "*/5 * * * *"\n';
    const { errors, at } = checkConf(text);
    expect(codesAt(errors)).toEqual([`E_TYPE@${at('ddeutil.workflow.Workflow')}`, `E_UNKNOWN_NEEDS@${at('b]')}`, `E_TYPE@${at('Crontab')}`, `E_UNKNOWN_KEY@${at('cronjob')}`]);
    expect(errors[0]!.hint).toContain('type: Pipeline');
    expect(errors[2]!.hint).toContain('type: On');
  });

  it('max-workers, concurrent, vars, runs-on, stage type, deps and max_parallel each get their own hint', () => {
    const text = [
      'p:',
      '  type: Workflow',
      '  jobs:',
      '    a:',
      '      runs-on: {type: container, with: {image: python}}',
      '      strategy: {max_parallel: 2, matrix: {x: [1, 2]}}',
      '      stages:',
      '        - {foreach: [1, 2], concurrent: 2, stages: [{echo: hi}]}',
      '        - {parallel: {l: [{echo: a}], r: [{echo: b}]}, max-workers: 2}',
      '        - {name: py, type: py, vars: {x: 1}, deps: [numpy], run: "echo hi"}',
      '',
    ].join('\n');
    const { errors } = checkConf(text);
    const hintOf = (needle: string) => errors.find((e) => e.message.includes(`'${needle}'`))?.hint ?? '';
    expect(hintOf('runs-on')).toContain("no 'container' executor");
    expect(hintOf('max_parallel')).toContain('max-parallel');
    expect(hintOf('concurrent')).toContain('concurrency');
    expect(hintOf('max-workers')).toContain('max-parallel');
    expect(hintOf('type')).toContain("picks a stage's kind");
    expect(hintOf('vars')).toContain('env:');
    expect(hintOf('deps')).toContain('virtualenv');
    expect(errors.every((e) => e.code === 'E_UNKNOWN_KEY')).toBe(true);
  });

  it('$$VAR in a script is an error at the $$ with both meanings in the hint; a lone $$ (the pid) is fine', () => {
    const text = 'p:\n  type: Workflow\n  jobs:\n    a:\n      stages:\n        - bash: |\n            VAR=1\n            echo "Variable $$VAR and pid $$"\n';
    const { errors, at } = checkConf(text);
    expect(codesAt(errors)).toEqual([`E_TYPE@${at('$$VAR')}`]);
    expect(errors[0]!.hint).toContain('write $VAR');
    expect(errors[0]!.hint).toContain('${$}VAR');
  });
});

describe("ddeutil-workflow's own templates (test/fixtures/ddeutil) get no misleading message", () => {
  const all = [join(FIXTURES, 'docs-examples'), join(FIXTURES, 'tests-conf'), join(FIXTURES, 'tests-inline')].flatMap((conf) => inspectProject({ conf }).errors);

  it('no did-you-mean points at a key already written, at if: for id:, or at a template for a top-level key', () => {
    expect(all.length).toBeGreaterThan(0);
    const misleading = all.filter(
      (e) =>
        /did you mean '(if|type|group-workflow)'/.test(e.hint ?? '') ||
        /template '(name|type|desc|description|params|parameters|jobs|on|events)'/.test(e.message) ||
        /unknown key '(include|exclude)' in jobs\.[^.]+\.strategy/.test(e.message) ||
        (e.code === 'E_UNKNOWN_TEMPLATE' && /\$\{\{/.test(e.message)),
    );
    expect(misleading.map((e) => `${e.loc?.file}:${e.loc?.line} ${e.message} (${e.hint})`)).toEqual([]);
  });

  it('every ddeutil form seen in them is named as such', () => {
    const count = (re: RegExp) => all.filter((e) => re.test(e.message)).length;
    expect(count(/on: \{schedule: \[\.\.\.\]\} is ddeutil-workflow's form/)).toBe(12);
    expect(count(/unknown key 'cronjob'/)).toBe(14);
    expect(count(/a job has no id: key/)).toBeGreaterThan(50);
    expect(count(/'\$\$(VAR|PASSING)' in a script/)).toBe(2);
  });
});

describe('a Python run: script without shell: is caught before it runs in bash', () => {
  it('is an error at its first Python line with shell: python as the hint; with shell: python, or a shell script, nothing', () => {
    const text = [
      'p:',
      '  type: Pipeline',
      '  jobs:',
      '    a:',
      '      stages:',
      '        - run: |',
      '            # load',
      '            import json',
      '            print(json.dumps({}))',
      '        - run: |',
      '            import json',
      '          shell: python',
      '        - run: |',
      '            echo "import this"; printf "%s\\n" x',
      '',
    ].join('\n');
    const { errors, at } = checkConf(text);
    expect(codesAt(errors)).toEqual([`E_TYPE@${at('import json')}`]);
    expect(errors[0]!.hint).toContain('shell: python');
  });
});
