import { describe, expect, it } from 'vitest';
import { coerceValue, parseValueSpec, resolveDefault, VALUE_TYPES, type ValueSpec, type ValueType } from '../../src/model/value-types.js';

const spec = (type: ValueType, extra: Partial<ValueSpec> = {}): ValueSpec => ({ type, required: true, ...extra });
const ok = (value: unknown) => ({ ok: true, value });

describe('parseValueSpec', () => {
  it('reads the short form for every type but choice', () => {
    for (const type of VALUE_TYPES.filter((t) => t !== 'choice')) {
      expect(parseValueSpec(type)).toEqual({ type, required: true });
    }
  });

  it('reads the long form; a default makes it optional and is coerced', () => {
    expect(parseValueSpec({ type: 'int', default: 100, desc: 'rows' })).toEqual({ type: 'int', default: 100, desc: 'rows', required: false });
    expect(parseValueSpec({ type: 'int', default: '7' })).toEqual({ type: 'int', default: 7, required: false });
    expect(parseValueSpec({ type: 'array', default: ['orders', 'refunds'] })).toEqual({ type: 'array', default: ['orders', 'refunds'], required: false });
    expect(parseValueSpec({ type: 'str' })).toEqual({ type: 'str', required: true });
  });

  it('keeps release and now as defaults of date and datetime only', () => {
    expect(parseValueSpec({ type: 'datetime', default: 'release' })).toEqual({ type: 'datetime', default: 'release', required: false });
    expect(parseValueSpec({ type: 'date', default: 'now' })).toEqual({ type: 'date', default: 'now', required: false });
    expect(parseValueSpec({ type: 'int', default: 'now' })).toMatchObject({ error: expect.stringContaining("expected an int, got 'now'") });
  });

  it('allows a null default: optional with no value', () => {
    expect(parseValueSpec({ type: 'int', default: null })).toEqual({ type: 'int', default: null, required: false });
  });

  it('requires options for a choice, and a default among them', () => {
    expect(parseValueSpec('choice')).toHaveProperty('error');
    expect(parseValueSpec({ type: 'choice' })).toHaveProperty('error');
    expect(parseValueSpec({ type: 'choice', options: [] })).toHaveProperty('error');
    expect(parseValueSpec({ type: 'choice', options: ['full', 'delta'], default: 'delta' })).toEqual({
      type: 'choice', options: ['full', 'delta'], default: 'delta', required: false,
    });
    expect(parseValueSpec({ type: 'choice', options: ['full', 'delta'], default: 'half' })).toHaveProperty('error');
    expect(parseValueSpec({ type: 'str', options: ['a'] })).toHaveProperty('error');
  });

  it('rejects unknown types and keys with a did-you-mean', () => {
    expect(parseValueSpec('strng')).toEqual({ error: "unknown type 'strng'", hint: "did you mean 'str'?" });
    expect(parseValueSpec({ type: 'integer' })).toMatchObject({ hint: "did you mean 'int'?" });
    expect(parseValueSpec({ type: 'int', defualt: 1 })).toMatchObject({ error: "unknown key 'defualt' in a type declaration", hint: "did you mean 'default'?" });
    expect(parseValueSpec({ default: 1 })).toMatchObject({ error: 'missing type' });
    expect(parseValueSpec(42)).toHaveProperty('error');
    expect(parseValueSpec({ type: 'bool', default: 'maybe' })).toMatchObject({ error: expect.stringContaining("got 'maybe'") });
  });
});

describe('coerceValue from the command line', () => {
  it('str and secret pass through', () => {
    expect(coerceValue(spec('str'), ' a b ', 'cli')).toEqual(ok(' a b '));
    expect(coerceValue(spec('secret'), 's3cr3t', 'cli')).toEqual(ok('s3cr3t'));
  });

  it('int', () => {
    expect(coerceValue(spec('int'), '42', 'cli')).toEqual(ok(42));
    expect(coerceValue(spec('int'), '-7', 'cli')).toEqual(ok(-7));
    expect(coerceValue(spec('int'), 'abc', 'cli')).toEqual({ ok: false, reason: "expected an int, got 'abc'" });
    for (const bad of ['1.5', '', ' 1', '1e3', '0x10', '99999999999999999999']) expect(coerceValue(spec('int'), bad, 'cli').ok).toBe(false);
  });

  it('float', () => {
    expect(coerceValue(spec('float'), '1.5', 'cli')).toEqual(ok(1.5));
    expect(coerceValue(spec('float'), '-2', 'cli')).toEqual(ok(-2));
    expect(coerceValue(spec('float'), '1e3', 'cli')).toEqual(ok(1000));
    expect(coerceValue(spec('float'), '.5', 'cli')).toEqual(ok(0.5));
    for (const bad of ['', 'Infinity', 'NaN', '1.2.3', '0x10', 'abc']) expect(coerceValue(spec('float'), bad, 'cli').ok).toBe(false);
  });

  it('bool', () => {
    for (const t of ['true', 'TRUE', 'yes', 'On', '1']) expect(coerceValue(spec('bool'), t, 'cli')).toEqual(ok(true));
    for (const f of ['false', 'No', 'off', '0']) expect(coerceValue(spec('bool'), f, 'cli')).toEqual(ok(false));
    expect(coerceValue(spec('bool'), 'maybe', 'cli')).toMatchObject({ ok: false, reason: expect.stringContaining("got 'maybe'") });
  });

  it('date: a real calendar day as YYYY-MM-DD', () => {
    expect(coerceValue(spec('date'), '2024-02-29', 'cli')).toEqual(ok('2024-02-29'));
    for (const bad of ['2023-02-29', '2024-13-01', '2024-1-5', '2024-01-05T00:00', 'today']) {
      expect(coerceValue(spec('date'), bad, 'cli')).toMatchObject({ ok: false, reason: expect.stringContaining('expected a date') });
    }
  });

  it('datetime: ISO 8601, offset kept, no offset or date only → UTC', () => {
    expect(coerceValue(spec('datetime'), '2024-03-01T10:30:00+07:00', 'cli')).toEqual(ok('2024-03-01T10:30:00+07:00'));
    expect(coerceValue(spec('datetime'), '2024-03-01T10:30:00.250-05:00', 'cli')).toEqual(ok('2024-03-01T10:30:00.250-05:00'));
    expect(coerceValue(spec('datetime'), '2024-03-01T10:30:00Z', 'cli')).toEqual(ok('2024-03-01T10:30:00Z'));
    expect(coerceValue(spec('datetime'), '2024-03-01', 'cli')).toEqual(ok('2024-03-01T00:00:00Z'));
    expect(coerceValue(spec('datetime'), '2024-03-01T10:30', 'cli')).toEqual(ok('2024-03-01T10:30:00Z'));
    expect(coerceValue(spec('datetime'), '2024-03-01 10:30', 'cli')).toEqual(ok('2024-03-01T10:30:00Z'));
    for (const bad of ['2024', 'yesterday', '2024-02-30T00:00', '12345']) expect(coerceValue(spec('datetime'), bad, 'cli').ok).toBe(false);
  });

  it('choice compares as strings and returns the option itself', () => {
    const mode = spec('choice', { options: ['full', 'delta'] });
    expect(coerceValue(mode, 'full', 'cli')).toEqual(ok('full'));
    expect(coerceValue(mode, 'ful', 'cli')).toEqual({ ok: false, reason: "expected one of 'full', 'delta', got 'ful' (did you mean 'full'?)" });
    expect(coerceValue(spec('choice', { options: [1, 2, 3] }), '2', 'cli')).toEqual(ok(2));
  });

  it('array: JSON array, else a comma list', () => {
    expect(coerceValue(spec('array'), '["a", 1, {"b": true}]', 'cli')).toEqual(ok(['a', 1, { b: true }]));
    expect(coerceValue(spec('array'), 'orders, refunds ,x', 'cli')).toEqual(ok(['orders', 'refunds', 'x']));
    expect(coerceValue(spec('array'), 'one', 'cli')).toEqual(ok(['one']));
    expect(coerceValue(spec('array'), '', 'cli')).toEqual(ok([]));
    expect(coerceValue(spec('array'), '  ', 'cli')).toEqual(ok([]));
    expect(coerceValue(spec('array'), '[a, b]', 'cli')).toMatchObject({ ok: false, reason: expect.stringContaining('invalid JSON') });
  });

  it('map: JSON object text', () => {
    expect(coerceValue(spec('map'), '{"a": 1, "b": [2]}', 'cli')).toEqual(ok({ a: 1, b: [2] }));
    for (const bad of ['[1]', 'null', 'a=1', '"x"', '']) expect(coerceValue(spec('map'), bad, 'cli')).toMatchObject({ ok: false });
  });
});

describe('coerceValue from data', () => {
  it('accepts the natural JS type of each type', () => {
    expect(coerceValue(spec('str'), 'x', 'data')).toEqual(ok('x'));
    expect(coerceValue(spec('int'), 5, 'data')).toEqual(ok(5));
    expect(coerceValue(spec('float'), 2.5, 'data')).toEqual(ok(2.5));
    expect(coerceValue(spec('float'), 3, 'data')).toEqual(ok(3));
    expect(coerceValue(spec('bool'), false, 'data')).toEqual(ok(false));
    expect(coerceValue(spec('date'), new Date('2024-05-06T23:00:00Z'), 'data')).toEqual(ok('2024-05-06'));
    expect(coerceValue(spec('datetime'), new Date('2024-05-06T23:00:00Z'), 'data')).toEqual(ok('2024-05-06T23:00:00Z'));
    expect(coerceValue(spec('choice', { options: ['a', 'b'] }), 'b', 'data')).toEqual(ok('b'));
    expect(coerceValue(spec('array'), [1, 2], 'data')).toEqual(ok([1, 2]));
    expect(coerceValue(spec('map'), { k: 'v' }, 'data')).toEqual(ok({ k: 'v' }));
    expect(coerceValue(spec('secret'), 'pw', 'data')).toEqual(ok('pw'));
  });

  it('accepts strings a rendered template produces', () => {
    expect(coerceValue(spec('int'), '5', 'data')).toEqual(ok(5));
    expect(coerceValue(spec('float'), '0.25', 'data')).toEqual(ok(0.25));
    expect(coerceValue(spec('bool'), 'yes', 'data')).toEqual(ok(true));
    expect(coerceValue(spec('date'), '2024-01-31', 'data')).toEqual(ok('2024-01-31'));
    expect(coerceValue(spec('datetime'), '2024-01-31T08:00:00+01:00', 'data')).toEqual(ok('2024-01-31T08:00:00+01:00'));
    expect(coerceValue(spec('array'), '["x"]', 'data')).toEqual(ok(['x']));
    expect(coerceValue(spec('map'), '{"x":1}', 'data')).toEqual(ok({ x: 1 }));
    expect(coerceValue(spec('choice', { options: [true, false] }), 'true', 'data')).toEqual(ok(true));
  });

  it('stringifies numbers and booleans for str and secret', () => {
    expect(coerceValue(spec('str'), 3, 'data')).toEqual(ok('3'));
    expect(coerceValue(spec('secret'), true, 'data')).toEqual(ok('true'));
  });

  it('rejects values of the wrong shape with a readable reason', () => {
    expect(coerceValue(spec('int'), 1.5, 'data')).toEqual({ ok: false, reason: 'expected an int, got 1.5' });
    expect(coerceValue(spec('int'), [1], 'data')).toEqual({ ok: false, reason: 'expected an int, got an array' });
    expect(coerceValue(spec('float'), Number.NaN, 'data').ok).toBe(false);
    expect(coerceValue(spec('bool'), 1, 'data').ok).toBe(false);
    expect(coerceValue(spec('str'), { a: 1 }, 'data')).toEqual({ ok: false, reason: 'expected a string, got a map' });
    expect(coerceValue(spec('array'), { a: 1 }, 'data').ok).toBe(false);
    expect(coerceValue(spec('map'), [1], 'data').ok).toBe(false);
    expect(coerceValue(spec('date'), new Date('nope'), 'data').ok).toBe(false);
    expect(coerceValue(spec('choice', { options: ['a'] }), { a: 1 }, 'data').ok).toBe(false);
    expect(coerceValue(spec('secret'), null, 'data')).toEqual({ ok: false, reason: 'expected a string, got null' });
  });
});

describe('resolveDefault', () => {
  const now = new Date('2024-06-01T12:00:00Z');
  it('turns release into the release instant (its own offset) and now into the clock', () => {
    const release = '2024-05-31T23:30:00+07:00';
    expect(resolveDefault(spec('datetime', { default: 'release' }), { release, now })).toBe(release);
    expect(resolveDefault(spec('date', { default: 'release' }), { release, now })).toBe('2024-05-31');
    expect(resolveDefault(spec('datetime', { default: 'release' }), { release: null, now })).toBe('2024-06-01T12:00:00Z');
    expect(resolveDefault(spec('date', { default: 'now' }), { now })).toBe('2024-06-01');
  });

  it('copies object defaults so a hook cannot change them for the next run', () => {
    const tables = spec('array', { default: ['a'] });
    const first = resolveDefault(tables) as string[];
    first.push('b');
    expect(resolveDefault(tables)).toEqual(['a']);
    expect(resolveDefault(spec('str', { default: 'release' }))).toBe('release');
  });
});
