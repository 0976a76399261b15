import { describe, expect, it } from 'vitest';
import { inspectFiles } from '../helpers/load-conf.js';

const PIPE = (name: string, extra = '') => `${name}:\n  type: Pipeline\n${extra}  jobs:\n    a: {stages: [{echo: ${name}}]}\n`;

// Files that would fail if anything parsed or compiled them.
const BROKEN = {
  'conf/broken-yaml.yml': 'unrelated:\n  type: Pipeline\n  jobs: [oops\n',
  'conf/broken-shape.yml': PIPE('bad-shape', '  colour: red\n'),
  'conf/broken-flow.yml': '{flow-broken: [',
};

describe('loading only what a pipeline needs (wf run X)', () => {
  it('loads the pipeline, the On templates it names and the pipelines it triggers; nothing else', () => {
    const { project, errors } = inspectFiles(
      {
        ...BROKEN,
        'conf/main.yml': `main:\n  type: Pipeline\n  on: [nightly]\n  jobs:\n    a:\n      stages:\n        - trigger: child\n`,
        'conf/sched/nightly.yml': 'nightly:\n  type: On\n  cron: "0 2 * * *"\n',
        'conf/kids/child.yml': PIPE('child', '  on: [hourly]\n'),
        'conf/sched/hourly.yml': 'hourly:\n  type: On\n  cron: "@hourly"\n',
        'conf/other.yml': PIPE('other'),
      },
      ['main'],
    );
    expect(errors).toEqual([]);
    expect([...project.pipelines.keys()].sort()).toEqual(['child', 'main']);
    expect([...project.ons.keys()].sort()).toEqual(['hourly', 'nightly']);
    // Every name is still indexed (for did-you-mean and duplicates).
    expect(project.names.has('other')).toBe(true);
    expect(project.names.has('unrelated')).toBe(true);
  });

  it('reports the problems of what it loads, wherever they are', () => {
    const { errors, path } = inspectFiles(
      { ...BROKEN, 'conf/main.yml': PIPE('main', '  on: [nightly]\n'), 'conf/s.yml': 'nightly:\n  type: On\n  cron: "99 * * * *"\n' },
      ['main'],
    );
    expect(errors.map((e) => [e.code, e.loc?.file])).toEqual([['E_CRON', path('conf/s.yml')]]);
  });

  it('reports a duplicate of a wanted name, and not duplicates elsewhere', () => {
    const { errors, path } = inspectFiles(
      { 'conf/a.yml': PIPE('main') + PIPE('dup'), 'conf/b.yml': PIPE('main') + PIPE('dup') },
      ['main'],
    );
    expect(errors.map((e) => [e.code, e.loc?.file, e.message.includes("'main'")])).toEqual([['E_DUPLICATE_NAME', path('conf/b.yml'), true]]);
  });

  it('a wanted name found nowhere loads nothing and, as it may be in a file that did not parse, shows that file', () => {
    const { project, errors, path } = inspectFiles({ ...BROKEN, 'conf/main.yml': PIPE('main') }, ['flow-broken']);
    expect(project.pipelines.size).toBe(0);
    expect(errors.length).toBeGreaterThan(0);
    expect(new Set(errors.map((e) => `${e.code} ${e.loc?.file}`))).toEqual(new Set([`E_YAML ${path('conf/broken-flow.yml')}`]));
  });

  it('a referenced schedule found nowhere also shows the files that did not parse', () => {
    const { errors, path } = inspectFiles({ ...BROKEN, 'conf/main.yml': PIPE('main', '  on: [nowhere]\n') }, ['main']);
    expect(errors.map((e) => e.code)).toContain('E_UNKNOWN_ON');
    expect(errors.some((e) => e.code === 'E_YAML' && e.loc?.file === path('conf/broken-flow.yml'))).toBe(true);
  });

  it('without only, everything is checked', () => {
    const { errors, path } = inspectFiles({ ...BROKEN, 'conf/main.yml': PIPE('main') });
    expect(new Set(errors.map((e) => e.loc?.file))).toEqual(new Set(Object.keys(BROKEN).map(path)));
  });
});
