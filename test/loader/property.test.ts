import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { WfError } from '../../src/errors/index.js';
import { inspectProject } from '../../src/loader/index.js';
import { tmpProject } from '../helpers/tmp-project.js';

let conf: string;
beforeAll(() => {
  conf = join(tmpProject({ 'conf/.keep': '' }), 'conf');
});

/** Writes `text` as the only conf file and loads it: problems must come back as WfErrors, never as anything else. */
function loadsCleanly(text: string): void {
  writeFileSync(join(conf, 'p.yml'), text);
  let result: ReturnType<typeof inspectProject>;
  try {
    result = inspectProject({ conf });
  } catch (e) {
    expect(e, String(e)).toBeInstanceOf(WfError);
    return;
  }
  for (const error of result.errors) {
    expect(error).toBeInstanceOf(WfError);
    expect(typeof error.code).toBe('string');
  }
}

// Words of the template format, so generated structures reach past the first schema check.
const KEYS = ['type', 'jobs', 'stages', 'needs', 'if', 'run', 'echo', 'uses', 'with', 'id', 'name', 'strategy', 'matrix', 'include', 'exclude', 'max-parallel', 'params', 'on', 'cron', 'timezone', 'env', 'outputs', 'foreach', 'parallel', 'case', 'match', 'else', 'until', 'input', 'schema', 'trigger', 'raise', 'timeout', 'retry', 'attempts', 'delay', 'sleep', 'default', 'options', '__proto__', 'constructor'];
const scalars = fc.oneof(fc.constantFrom('Pipeline', 'On', '${{ params.x }}', '$<matrix.a>', '${{', '*/5 * * * *', '1h', 'str', 'int', 'secret', 'a', 'b'), fc.integer(), fc.boolean(), fc.constant(null), fc.string({ maxLength: 8 }));
const { tree } = fc.letrec((tie) => ({
  tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalars, fc.array(tie('tree'), { maxLength: 3 }), fc.dictionary(fc.constantFrom(...KEYS), tie('tree'), { maxKeys: 4 })),
}));

describe('the loader never throws anything but a WfError', () => {
  it('on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), loadsCleanly), { numRuns: 120 });
  });

  it('on arbitrary YAML-looking lines (anchors, aliases, tags and flow included)', () => {
    const indent = fc.constantFrom('', '  ', '    ', '      ', '- ', '  - ', '    - ', '\t');
    const key = fc.constantFrom(...KEYS, 'p', 'q', '"q"', "'r'", '? x', '&k p', '*k', '<<');
    const value = fc.oneof(fc.constantFrom('', 'Pipeline', '*a', '&a', '&a [x, y]', '[*a, *a, *a]', '!!binary aGk=', '!tag x', '|', '>', '{', '[', '{a: 1}', '[1, [2]]', '"x', "'y", '${{ params.x }}', '@daily', '---'), fc.string({ maxLength: 8 }));
    const line = fc.tuple(indent, key, fc.constantFrom(': ', ':', ' '), value).map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), (lines) => loadsCleanly(`p:\n  type: Pipeline\n${lines.join('\n')}\n`)),
      { numRuns: 120 },
    );
    // Short, mostly well-formed bodies, so aliases and tags reach the conversion to plain values.
    const shortLine = fc.tuple(fc.constantFrom('  '), fc.constantFrom('jobs', 'params', 'env', 'desc', 'on', 'x'), fc.constant(': '), value).map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.array(shortLine, { maxLength: 3 }), (lines) => loadsCleanly(`p:\n  type: Pipeline\n${lines.join('\n')}\n`)),
      { numRuns: 120 },
    );
  });

  it('on arbitrary values under a type: Pipeline template', () => {
    fc.assert(
      fc.property(fc.anything({ maxDepth: 4 }), fc.object({ maxDepth: 3 }), (jobs, extra) => {
        loadsCleanly(stringify({ p: { ...extra, type: 'Pipeline', jobs } }));
      }),
      { numRuns: 120 },
    );
  });

  it('on structures built from the words of the format', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...KEYS), tree, { maxKeys: 5 }), fc.array(tree, { maxLength: 3 }), (template, stages) => {
        loadsCleanly(stringify({ p: { params: { x: 'str' }, ...template, type: 'Pipeline', jobs: { j: { stages }, k: template } } }));
      }),
      { numRuns: 120 },
    );
  });
});
