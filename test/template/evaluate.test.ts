import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { compileTemplate, render, renderString, toText, type ExprContext } from '../../src/template/index.js';
import { wfError } from './helpers.js';

const ctx: ExprContext = {
  params: { n: 7, s: 'abc', list: [1, 'two', null], obj: { a: 1, 'x-y': 2 }, nil: null, zero: 0, t: true },
  run: { id: 'r1', release: '2024-03-10T01:30:00-05:00' },
  item: { name: 'i' },
  index: 3,
};
const r = (text: string, opts = {}) => renderString(text, ctx, opts);

describe('operators', () => {
  it('returns operands from && and ||, as GitHub Actions does', () => {
    expect(r('${{ params.s && params.list }}')).toEqual([1, 'two', null]);
    expect(r('${{ params.zero && params.s }}')).toBe(0);
    expect(r("${{ params.nil || params.zero || 'z' }}")).toBe('z');
    expect(r('${{ params.s || params.nil }}')).toBe('abc');
  });

  it('short-circuits: the right side of a decided && / || is not evaluated', () => {
    expect(r("${{ false && fromJSON('not json') }}")).toBe(false);
    expect(r("${{ true || fromJSON('not json') }}")).toBe(true);
  });

  it('coerces like GitHub Actions when types differ, case-sensitive for strings', () => {
    expect(r('${{ params.nil == 0 }}')).toBe(true);
    expect(r("${{ params.nil == '' }}")).toBe(true);
    expect(r('${{ params.t == 1 }}')).toBe(true);
    expect(r("${{ '0x10' == 16 }}")).toBe(true);
    expect(r("${{ 'abc' == 0 }}")).toBe(false);
    expect(r("${{ 'abc' != 'ABC' }}")).toBe(true);
    expect(r('${{ params.list == params.list }}')).toBe(true);
    expect(r("${{ fromJSON('[1]') == fromJSON('[1]') }}")).toBe(false);
  });

  it('orders strings by code unit and everything else as numbers', () => {
    expect(r("${{ 'B' < 'a' }}")).toBe(true);
    expect(r("${{ '10' < 9 }}")).toBe(false);
    expect(r("${{ '10' < '9' }}")).toBe(true);
    expect(r("${{ 'abc' < 1 }}")).toBe(false);
    expect(r("${{ 'abc' >= 1 }}")).toBe(false);
    expect(r('${{ params.nil <= 0 }}')).toBe(true);
    expect(r('${{ 2 > 1 && 1 >= 1 && 1 <= 1 }}')).toBe(true);
  });

  it('follows GitHub precedence: ! then comparisons then == then && then ||', () => {
    expect(r('${{ !params.zero == true }}')).toBe(true);
    expect(r('${{ 1 < 2 == 2 > 1 }}')).toBe(true);
    expect(r('${{ false && false || true }}')).toBe(true);
    expect(r('${{ false && (false || true) }}')).toBe(false);
  });

  it('binds a filter tighter than comparisons', () => {
    expect(r("${{ params.s | upper == 'ABC' }}")).toBe(true);
    expect(r('${{ !params.list | length }}')).toBe(false);
  });
});

describe('member access reads only own data', () => {
  it('returns null for missing keys, indexes out of range and access on null', () => {
    expect(r('${{ params.nope }}')).toBeNull();
    expect(r('${{ params.list[9] }}')).toBeNull();
    expect(r('${{ params.list[-1] }}')).toBeNull();
    expect(r('${{ params.nil.a.b }}')).toBeNull();
    expect(r('${{ branch }}')).toBeNull();
  });

  it('reads brackets, hyphenated names and string indexes into arrays', () => {
    expect(r("${{ params.obj['x-y'] }}")).toBe(2);
    expect(r('${{ params.obj.x-y }}')).toBe(2);
    expect(r("${{ params.list['1'] }}")).toBe('two');
    expect(r('${{ params.list[params.obj.a] }}')).toBe('two');
    expect(r('${{ item.name }}_${{ index }}')).toBe('i_3');
  });

  it('never reaches JavaScript properties', () => {
    for (const key of ['length', 'constructor', '__proto__', 'toString', 'hasOwnProperty', 'prototype']) {
      expect(r(`\${{ params.s.${key} }}`)).toBeNull();
      expect(r(`\${{ params.list['${key}'] }}`)).toBeNull();
      expect(r(`\${{ params.obj.${key} }}`)).toBeNull();
    }
    expect(r("${{ params.obj.constructor['name'] }}")).toBeNull();
  });

  it('does not run getters or read class instances', () => {
    let called = false;
    const withGetter = Object.defineProperty({}, 'g', { enumerable: true, get: () => { called = true; return 1; } });
    expect(renderString('${{ params.o.g }}', { params: { o: withGetter } })).toBeNull();
    expect(called).toBe(false);
    expect(renderString('${{ params.d.year }}', { params: { d: DateTime.utc() } })).toBeNull();
  });
});

describe('functions', () => {
  it('contains on arrays uses == and on text is a substring test', () => {
    expect(r('${{ contains(params.list, 1) }}')).toBe(true);
    expect(r("${{ contains(params.list, '1') }}")).toBe(true);
    expect(r("${{ contains(params.list, 'Two') }}")).toBe(false);
    expect(r("${{ contains(params.s, 'B') }}")).toBe(false);
    expect(r("${{ contains(params.obj, 'a') }}")).toBe(false);
    expect(r("${{ startsWith(params.n, '7') && endsWith(params.s, 'bc') }}")).toBe(true);
  });

  it('format fills {N}, keeps doubled braces and rejects bad patterns at run time', () => {
    expect(r("${{ format('{1}{0}{{x}}', 'a', params.obj) }}")).toBe('{"a":1,"x-y":2}a{x}');
    expect(wfError(() => r("${{ format('{1}', 'a') }}")).code).toBe('E_EXPR_EVAL');
    expect(wfError(() => r("${{ format('{x}') }}")).code).toBe('E_EXPR_EVAL');
    expect(wfError(() => r("${{ format('}') }}")).code).toBe('E_EXPR_EVAL');
  });

  it('join, toJSON (pretty, like GitHub) and fromJSON', () => {
    expect(r("${{ join(params.list, '-') }}")).toBe('1-two-');
    expect(r("${{ join('solo', '-') }}")).toBe('solo');
    expect(r('${{ toJSON(params.obj) }}')).toBe('{\n  "a": 1,\n  "x-y": 2\n}');
    expect(r("${{ fromJSON('{\"a\":{\"b\":[true]}}').a.b[0] }}")).toBe(true);
    const error = wfError(() => r("${{ fromJSON('{oops') }}"));
    expect(error.code).toBe('E_EXPR_EVAL');
    expect(error.message).toContain("(in ${{ fromJSON('{oops') }})");
  });

  it('matches function names case-insensitively, as GitHub Actions does', () => {
    expect(r('${{ toJson(params.n) }}')).toBe('7');
  });

  it('status functions follow the render status (default success)', () => {
    expect(r('${{ success() }}/${{ failure() }}/${{ cancelled() }}/${{ always() }}')).toBe('true/false/false/true');
    expect(r('${{ failure() }}', { status: 'failure' })).toBe(true);
    expect(r('${{ success() }}', { status: 'failure' })).toBe(false);
    expect(r('${{ cancelled() }}', { status: 'cancelled' })).toBe(true);
  });
});

describe('filters', () => {
  const d = '2024-02-29T13:05:09.123+05:30';
  it('formats every documented strftime token in the offset of the input', () => {
    expect(r(`\${{ '${d}' | fmt('%Y|%y|%m|%d|%H|%I|%M|%S|%f|%p|%j|%z|%Z|%%') }}`)).toBe(
      '2024|24|02|29|13|01|05|09|123000|PM|060|+0530|UTC+5:30|%',
    );
    expect(r(`\${{ '${d}' | fmt('%a %A %b %B %s %F %T %u %w %e') }}`)).toBe('Thu Thursday Feb February 1709192109 2024-02-29 13:05:09 4 4 29');
    expect(r("${{ '2024-01-01T00:00:00Z' | fmt('%I %p %Z %z') }}")).toBe('12 AM UTC +0000');
  });

  it('reads a string without an offset as UTC, and Dates and luxon values too', () => {
    expect(r("${{ '2024-01-31 10:20' | fmt('%H:%M %Z') }}")).toBe('10:20 UTC');
    const c = { params: { d: new Date('2024-05-06T07:08:09Z'), l: DateTime.fromISO('2024-05-06T07:08:09', { zone: 'Asia/Bangkok' }) } };
    expect(renderString("${{ params.d | fmt('%F %T') }}", c)).toBe('2024-05-06 07:08:09');
    expect(renderString("${{ params.l | fmt('%T %z') }}", c)).toBe('07:08:09 +0700');
  });

  it('add_days / add_hours return ISO text that keeps the offset', () => {
    expect(r('${{ run.release | add_days(1) }}')).toBe('2024-03-11T01:30:00-05:00');
    expect(r('${{ run.release | add_hours(-2) }}')).toBe('2024-03-09T23:30:00-05:00');
    expect(r("${{ run.release | add_hours('1') | fmt('%H') }}")).toBe('02');
    expect(wfError(() => r("${{ run.release | add_days('x') }}")).code).toBe('E_EXPR_EVAL');
  });

  it('fails with E_EXPR_EVAL on a value that is not a date, or a bad dynamic pattern', () => {
    expect(wfError(() => r("${{ params.s | fmt('%Y') }}")).code).toBe('E_EXPR_EVAL');
    expect(wfError(() => r("${{ params.n | fmt('%Y') }}")).code).toBe('E_EXPR_EVAL');
    expect(wfError(() => r("${{ run.release | fmt(format('{0}', '%Q')) }}")).code).toBe('E_EXPR_EVAL');
  });

  it('text filters, default, json, keys, values, length', () => {
    expect(r("${{ 'hello wORLD-foo (bar)' | title }}")).toBe('Hello World-Foo (Bar)');
    expect(r('${{ params.nil | upper }}')).toBe('');
    expect(wfError(() => r('${{ params.obj | upper }}')).code).toBe('E_EXPR_EVAL');
    expect(r("${{ params.zero | default('d') }}")).toBe(0);
    expect(r("${{ '' | default(params.n) }}")).toBe(7);
    expect(r('${{ params.obj | json }}')).toBe('{"a":1,"x-y":2}');
    expect(r('${{ params.nil | json }}')).toBe('null');
    expect(r('${{ params.obj | values }}')).toEqual([1, 2]);
    expect(r('${{ params.list | keys }}')).toEqual([0, 1, 2]);
    expect(r("${{ 'héllo👍' | length }}")).toBe(6);
    expect(r('${{ params.obj | length }}')).toBe(2);
    expect(r('${{ params.nil | length }}')).toBe(0);
    expect(wfError(() => r('${{ params.n | length }}')).code).toBe('E_EXPR_EVAL');
    expect(r("${{ join(params.obj | keys, '+') }}")).toBe('a+x-y');
  });
});

describe('render and toText', () => {
  it('keeps the type of a whole expression and stringifies inside text', () => {
    expect(r('${{ params.obj }}')).toEqual({ a: 1, 'x-y': 2 });
    expect(r('${{ params.t }}!')).toBe('true!');
    expect(r('[${{ params.list }}]')).toBe('[[1,"two",null]]');
    expect(render(compileTemplate('$<params.n>$<params.n>'), ctx)).toBe('77');
  });

  it('toText: null → empty, objects → JSON, dates → ISO', () => {
    expect(toText(undefined)).toBe('');
    expect(toText(null)).toBe('');
    expect(toText(false)).toBe('false');
    expect(toText({ a: [1] })).toBe('{"a":[1]}');
    expect(toText(new Date('2024-01-01T00:00:00Z'))).toBe('2024-01-01T00:00:00.000Z');
  });

  it('turns a value that cannot become text into a WfError', () => {
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(wfError(() => renderString('x ${{ params.loop }}', { params: { loop } })).code).toBe('E_EXPR_EVAL');
    expect(renderString('x ${{ params.big }}', { params: { big: 10n } })).toBe('x 10');
  });
});
