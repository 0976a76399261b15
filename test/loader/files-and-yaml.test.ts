import { describe, expect, it } from 'vitest';
import { WfError } from '../../src/errors/index.js';
import { inspectProject } from '../../src/loader/index.js';
import { lineCol } from '../helpers/diagnostics.js';
import { codesAt, inspectFiles } from '../helpers/load-conf.js';
import { tmpProject } from '../helpers/tmp-project.js';

const PIPE = (name: string) => `${name}:\n  type: Pipeline\n  jobs:\n    a: {stages: [{echo: ${name}}]}\n`;

describe('YAML syntax', () => {
  it('reports E_YAML at the offending line and column, with a hint', () => {
    const text = 'p:\n  type: Pipeline\n  jobs:\n    a:\n      stages:\n        - echo: note: this breaks\n';
    const { errors, path } = inspectFiles({ 'conf/a.yml': text });
    expect(codesAt(errors)).toEqual([`E_YAML@${lineCol(text, 'note:').line}:${lineCol(text, 'note:').col}`]);
    expect(errors[0]!.loc!.file).toBe(path('conf/a.yml'));
    expect(errors[0]!.hint).toBeTruthy();
  });

  it('an unclosed bracket at the end of the file points at the last written line, not past it', () => {
    const text = 'p:\n  type: Pipeline\n  jobs: [oops\n\n\n';
    const { errors } = inspectFiles({ 'conf/a.yml': text });
    expect(errors.map((e) => [e.code, e.loc!.line])).toEqual([['E_YAML', 3]]);
  });

  it('a repeated key in a map is E_YAML at the repeat', () => {
    const { errors } = inspectFiles({ 'conf/a.yml': 'p:\n  type: Pipeline\n  type: On\n' });
    expect(codesAt(errors)).toEqual(['E_YAML@3:3']);
  });

  it('tabs used as indentation are E_YAML', () => {
    const { errors } = inspectFiles({ 'conf/a.yml': 'p:\n\ttype: Pipeline\n' });
    expect(errors.map((e) => e.code)).toEqual(['E_YAML']);
    expect(errors[0]!.loc!.line).toBe(2);
  });

  // Regression: `doc.toJS()` threw a raw ReferenceError for these, which escaped the loader.
  it('an alias to a missing anchor is E_YAML at the alias, not a crash', () => {
    const text = 'p:\n  type: Pipeline\n  jobs: *nope\n';
    const { errors } = inspectFiles({ 'conf/a.yml': text });
    expect(errors.every((e) => e instanceof WfError)).toBe(true);
    expect(codesAt(errors)).toEqual([`E_YAML@3:${lineCol(text, '*nope').col}`]);
  });

  it('an alias bomb is E_YAML, not a crash', () => {
    const rows = ['a: &a [x,x,x,x,x,x,x,x,x]'];
    for (const [n, prev] of [['b', 'a'], ['c', 'b'], ['d', 'c'], ['e', 'd'], ['f', 'e']]) rows.push(`${n}: &${n} [${Array(9).fill(`*${prev}`).join(',')}]`);
    const { errors } = inspectFiles({ 'conf/a.yml': `${rows.join('\n')}\n` });
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e instanceof WfError && e.code === 'E_YAML')).toBe(true);
  });

  it('several documents in one file are E_YAML', () => {
    const { errors } = inspectFiles({ 'conf/a.yml': `${PIPE('p')}---\n${PIPE('q')}` });
    expect(errors.map((e) => e.code)).toContain('E_YAML');
  });
});

describe('files and templates', () => {
  it('a file that is not a map of templates is E_TYPE; an empty or comment-only file is fine', () => {
    const { errors, path } = inspectFiles({ 'conf/list.yml': '- a\n- b\n', 'conf/scalar.yml': 'hello\n', 'conf/empty.yml': '', 'conf/comment.yml': '# nothing yet\n' });
    expect(errors.map((e) => [e.code, e.loc!.file, e.loc!.line])).toEqual([
      ['E_TYPE', path('conf/list.yml'), 1],
      ['E_TYPE', path('conf/scalar.yml'), 1],
    ]);
  });

  it('a template must be a map with a known type (did-you-mean on a typo)', () => {
    const text = 'scalar: 3\nnotype:\n  jobs: {}\ntypo:\n  type: Pipline\n';
    const { errors } = inspectFiles({ 'conf/a.yml': text });
    expect(codesAt(errors)).toEqual(['E_TYPE@1:9', 'E_TYPE@2:1', `E_TYPE@5:${lineCol(text, 'Pipline').col}`]);
    expect(errors[2]!.hint).toContain("did you mean 'Pipeline'");
  });

  it('finds templates at any depth, in .yml and .yaml files, and ignores other files and dot-folders', () => {
    const { project, errors } = inspectFiles({
      'conf/top.yml': PIPE('top'),
      'conf/a/b/c/deep.yaml': PIPE('deep'),
      'conf/x/UPPER.YML': PIPE('upper'),
      'conf/notes.txt': 'not: yaml: at: all',
      'conf/data.json': '{"x": 1}',
      'conf/.hidden/h.yml': PIPE('hidden'),
    });
    expect(errors).toEqual([]);
    expect([...project.pipelines.keys()].sort()).toEqual(['deep', 'top', 'upper']);
  });

  it('.wfignore skips files and folders in gitignore syntax, negations included', () => {
    const { project, errors } = inspectFiles({
      'conf/.wfignore': '# drafts are not ready\ndrafts/\n*.wip.yml\n!keep.wip.yml\n',
      'conf/main.yml': PIPE('main'),
      'conf/drafts/broken.yml': 'this: is: not: yaml\n',
      'conf/team/drafts/also.yml': '[',
      'conf/half.wip.yml': PIPE('half'),
      'conf/keep.wip.yml': PIPE('keep'),
    });
    expect(errors).toEqual([]);
    expect([...project.pipelines.keys()].sort()).toEqual(['keep', 'main']);
  });

  it('a duplicate template name is E_DUPLICATE_NAME at the second place, naming the first', () => {
    const { errors, path } = inspectFiles({ 'conf/a.yml': PIPE('twice'), 'conf/b.yml': `# again\n${PIPE('twice')}` });
    expect(errors.map((e) => [e.code, e.loc!.file, e.loc!.line, e.loc!.col])).toEqual([['E_DUPLICATE_NAME', path('conf/b.yml'), 2, 1]]);
    expect(errors[0]!.hint).toContain(`${path('conf/a.yml')}:1`);
  });

  it('a missing conf folder is a WfError with a hint', () => {
    const dir = tmpProject({});
    let thrown: unknown;
    try {
      inspectProject({ conf: `${dir}/conf` });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(WfError);
    expect((thrown as WfError).code).toBe('E_NOT_FOUND');
    expect((thrown as WfError).hint).toContain('--conf');
  });
});
