import { describe, expect, it } from 'vitest';
import { resolveHook, validateWith, type LoadedHook } from '../../src/registry/index.js';
import { parseValueSpec, type ValueSpec } from '../../src/model/value-types.js';
import { fixture } from './helpers.js';

const roots = [fixture('basic')];

function hookWith(inputs: Record<string, unknown>): LoadedHook {
  const parsed = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, parseValueSpec(v) as ValueSpec]));
  return { name: 'h', tag: 'v1', inputs: parsed, file: '/x/h.ts', exportName: 'h', run: () => undefined };
}

describe('validateWith', () => {
  it('applies defaults and coerces rendered strings', async () => {
    const fetch = await resolveHook('sales/fetch@v1', roots);
    expect(validateWith(fetch, { region: 'eu', table: 'orders' })).toEqual({
      value: { region: 'eu', table: 'orders', limit: 1000 },
      problems: [],
    });
    expect(validateWith(fetch, { region: 'eu', table: 'orders', limit: '25' }).value.limit).toBe(25);
    const echo = await resolveHook('util/echo', roots);
    expect(validateWith(echo, { message: 7, loud: 'yes' }).value).toEqual({ message: '7', times: 1, loud: true });
  });

  it('reports unknown keys with a did-you-mean', async () => {
    const fetch = await resolveHook('sales/fetch@v1', roots);
    const { problems } = validateWith(fetch, { region: 'eu', tabel: 'orders' });
    expect(problems).toEqual([
      { key: 'tabel', message: "unknown input 'tabel' for hook 'fetch'", hint: "did you mean 'table'?" },
      { key: 'table', message: "missing required input 'table' (str)", hint: "add 'table' under with:" },
    ]);
  });

  it('reports missing required inputs; null counts as not given', () => {
    const hook = hookWith({ a: 'str', b: { type: 'int', default: 2 } });
    expect(validateWith(hook, {}).problems.map((p) => p.key)).toEqual(['a']);
    expect(validateWith(hook, { a: null, b: null })).toEqual({
      value: { b: 2 },
      problems: [{ key: 'a', message: "missing required input 'a' (str)", hint: "add 'a' under with:" }],
    });
  });

  it('reports type mismatches with the reason', () => {
    const hook = hookWith({ n: 'int', when: 'date', mode: { type: 'choice', options: ['full', 'delta'] }, tags: 'array' });
    const { problems } = validateWith(hook, { n: 'abc', when: '2024-02-30', mode: 'half', tags: { a: 1 } });
    expect(problems.map((p) => [p.key, p.message])).toEqual([
      ['n', "input 'n': expected an int, got 'abc'"],
      ['when', "input 'when': expected a date (YYYY-MM-DD), got '2024-02-30'"],
      ['mode', "input 'mode': expected one of 'full', 'delta', got 'half'"],
      ['tags', "input 'tags': expected an array, got a map"],
    ]);
  });

  it('a hook that declares no inputs takes none', async () => {
    const load = await resolveHook('sales/load', roots);
    expect(validateWith(load, {})).toEqual({ value: {}, problems: [] });
    expect(validateWith(load, { x: 1 }).problems).toEqual([{ key: 'x', message: "unknown input 'x' for hook 'load'", hint: "hook 'load' takes no inputs" }]);
  });

  it('partial: skips templated values and does not call them missing', () => {
    const hook = hookWith({ region: 'str', limit: 'int', at: 'datetime', mode: { type: 'choice', options: ['a'] } });
    const args = { region: '${{ params.region }}', limit: '$<matrix.n>', at: 'not a date', extra: '${{ x }}' };
    const { value, problems } = validateWith(hook, args, { partial: true });
    expect(value).toEqual({ region: '${{ params.region }}', limit: '$<matrix.n>' });
    expect(problems.map((p) => p.key)).toEqual(['extra', 'at', 'mode']);
    // without partial the same templates are plain (wrong) values
    expect(validateWith(hook, args).problems.map((p) => p.key)).toEqual(['extra', 'limit', 'at', 'mode']);
  });

  it('resolves release and now defaults, and gives each call its own copy of a default', () => {
    const hook = hookWith({ day: { type: 'date', default: 'release' }, cols: { type: 'array', default: ['id'] } });
    const first = validateWith(hook, {}, { release: '2024-01-01T01:00:00+09:00' });
    expect(first.value).toEqual({ day: '2024-01-01', cols: ['id'] });
    (first.value.cols as string[]).push('name');
    expect(validateWith(hook, {}, { now: new Date('2030-05-05T00:00:00Z') }).value).toEqual({ day: '2030-05-05', cols: ['id'] });
  });
});
