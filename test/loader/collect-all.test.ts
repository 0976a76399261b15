import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WfError, WfErrors } from '../../src/errors/index.js';
import { loadProject } from '../../src/loader/index.js';
import { codesAt } from '../helpers/load-conf.js';
import { tmpProject } from '../helpers/tmp-project.js';

describe('loadProject collects every problem into one throw', () => {
  it('throws one WfErrors holding all problems of all files, in file and line order', () => {
    const dir = tmpProject({
      'conf/b.yml': 'b:\n  type: Pipeline\n  jobs:\n    x:\n      needs: [y]\n      stages: [{run: "echo ${{ params.nope }}"}]\n',
      'conf/a.yml': 'o:\n  type: On\n  cron: "bad"\n  timezone: Nowhere/Land\na:\n  type: Pipeline\n  on: [oo]\n  jobs:\n    j:\n      stagez: []\n',
      'conf/c.yml': 'c: [unclosed\n',
    });
    let thrown: unknown;
    try {
      loadProject({ conf: join(dir, 'conf') });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(WfErrors);
    const errors = (thrown as WfErrors).errors;
    expect(errors.every((e) => e instanceof WfError && e.loc !== undefined && e.hint)).toBe(true);
    expect(errors.map((e) => e.loc!.file.slice(dir.length + 1))).toEqual(['conf/a.yml', 'conf/a.yml', 'conf/a.yml', 'conf/a.yml', 'conf/b.yml', 'conf/b.yml', 'conf/c.yml']);
    expect(codesAt(errors)).toEqual(['E_CRON@3:9', 'E_TIMEZONE@4:13', 'E_TYPE@10:7', 'E_UNKNOWN_KEY@10:7', 'E_UNKNOWN_NEEDS@5:15', 'E_EXPR_REF@6:22', 'E_YAML@1:12']);
  });

  it('returns the project when there is nothing to report', () => {
    const dir = tmpProject({ 'conf/ok.yml': 'ok:\n  type: Pipeline\n  jobs: {a: {stages: [{echo: hi}]}}\n' });
    expect([...loadProject({ conf: join(dir, 'conf') }).pipelines.keys()]).toEqual(['ok']);
  });
});
