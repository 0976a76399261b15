import { describe, expect, it } from 'vitest';
import { inspectFiles } from '../helpers/load-conf.js';

describe('a YAML syntax error', () => {
  it('is reported once (not as the parser cascade) with a hint to quote an unquoted expression', () => {
    const { errors } = inspectFiles({ 'conf/p.yml': 'p:\n  type: Pipeline\n  jobs:\n    a:\n      stages: [{run: echo "${{ params.x }}"}]\n' });
    expect(errors.map((e) => e.code)).toEqual(['E_YAML']);
    expect(errors[0]!.loc?.line).toBe(5);
    expect(errors[0]!.hint).toContain('quote values that hold ${{');
  });
});
