import { describe, expect, it } from 'vitest';
import { resolveParams } from '../../src/api/params.js';
import { parseParamPairs } from '../../src/api/params.js';
import { WfErrors } from '../../src/errors/index.js';
import { codesAt, inspectFiles } from '../helpers/load-conf.js';

describe('names every JavaScript object already has', () => {
  it('a param, job or key named __proto__, constructor or toString is a located E_YAML error, not silently dropped', () => {
    for (const [name, line] of [['__proto__', 6], ['constructor', 6], ['toString', 6]] as const) {
      const { errors } = inspectFiles({ 'conf/p.yml': `p:\n  type: Pipeline\n  params:\n    ok: {type: str, default: x}\n  jobs:\n    ${name}:\n      stages: [{run: echo}]\n` });
      expect(codesAt(errors), name).toEqual([`E_YAML@${line}:5`]);
      expect(errors[0]!.message).toBe(`'${name}' cannot be a name here: it is a property every JavaScript object has`);
    }
  });

  it('a key that is a list or a map is a located error (no warning on stderr)', () => {
    const { errors } = inspectFiles({ 'conf/q.yml': 'q:\n  type: Pipeline\n  jobs:\n    j:\n      stages: [{run: echo}]\n      env:\n        ? [a]\n        : b\n' });
    expect(codesAt(errors)).toEqual(['E_YAML@7:11']);
  });

  it("-p __proto__=1 and -p constructor=1 are unknown params, not ignored", () => {
    const { project } = inspectFiles({ 'conf/p.yml': 'p:\n  type: Pipeline\n  params:\n    a: {type: str, default: x}\n  jobs:\n    j:\n      stages: [{run: echo}]\n' });
    const pipeline = project.pipelines.get('p')!;
    for (const name of ['__proto__', 'constructor', 'valueOf']) {
      let caught: unknown;
      try {
        resolveParams(pipeline, { cli: parseParamPairs([`${name}=1`]) });
      } catch (e) {
        caught = e;
      }
      expect(caught, name).toBeInstanceOf(WfErrors);
      expect((caught as WfErrors).errors.map((e) => e.code)).toEqual(['E_PARAM_UNKNOWN']);
    }
    expect(resolveParams(pipeline, { file: JSON.parse('{"a": "y"}') }).values.a).toBe('y');
  });
});
