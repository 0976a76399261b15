import { describe, expect, it } from 'vitest';
import { collectRefs, compileTemplate, renderDeep, type ExprContext } from '../../src/template/index.js';
import { wfError } from './helpers.js';

const refs = (text: string) => collectRefs(compileTemplate(text));

describe('collectRefs', () => {
  it('gives the static access chain of each reference', () => {
    expect(refs("${{ params.run-date }} $<stages.pull.outputs['rows']> ${{ params.tables[0] }}")).toEqual([
      { context: 'params', path: ['run-date'] },
      { context: 'stages', path: ['pull', 'outputs', 'rows'] },
      { context: 'params', path: ['tables', 0] },
    ]);
  });

  it('stops at the first dynamic index and collects the refs inside it', () => {
    expect(refs('${{ params.x[matrix.i].y }}')).toEqual([
      { context: 'params', path: ['x'] },
      { context: 'matrix', path: ['i'] },
    ]);
  });

  it('looks inside function args, filter inputs and args, operators', () => {
    expect(refs("${{ !contains(env.A, item) || fromJSON(input.j).k | default(needs.b.outputs.c) == run.id }}")).toEqual([
      { context: 'env', path: ['A'] },
      { context: 'item', path: [] },
      { context: 'input', path: ['j'] },
      { context: 'jobs', path: ['b', 'outputs', 'c'] },
      { context: 'run', path: ['id'] },
    ]);
  });

  it('has none for literals and plain text', () => {
    expect(refs("a ${{ 'x' == 1 }} b")).toEqual([]);
    expect(refs('plain')).toEqual([]);
  });
});

describe('renderDeep', () => {
  const ctx: ExprContext = { params: { n: 7, list: ['a', 'b'], flag: false, obj: { k: 'v' } } };

  it('keeps the type of whole expressions at any depth and leaves keys alone', () => {
    const input = {
      count: '${{ params.n }}',
      '${{ params.n }}': 'key untouched',
      nested: [{ list: '${{ params.list }}', flag: '${{ params.flag }}' }, 'n=${{ params.n }}', 3, null, true],
      obj: '$<params.obj>',
    };
    expect(renderDeep(input, ctx)).toStrictEqual({
      count: 7,
      '${{ params.n }}': 'key untouched',
      nested: [{ list: ['a', 'b'], flag: false }, 'n=7', 3, null, true],
      obj: { k: 'v' },
    });
  });

  it('does not modify its input and keeps a __proto__ key as a plain key', () => {
    const input = JSON.parse('{"__proto__": "${{ params.n }}", "a": ["${{ params.n }}"]}') as Record<string, unknown>;
    const before = JSON.stringify(input);
    const out = renderDeep(input, ctx) as Record<string, unknown>;
    expect(JSON.stringify(input)).toBe(before);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
    expect(out['a']).toEqual([7]);
  });

  it('passes through non-plain values and reports errors as WfError', () => {
    const date = new Date(0);
    expect(renderDeep(date, ctx)).toBe(date);
    expect(wfError(() => renderDeep({ a: ['${{ nope }}'] }, ctx)).code).toBe('E_EXPR');
  });
});
