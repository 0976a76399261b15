import { describe, expect, it } from 'vitest';
import { compileCondition, compileTemplate } from '../../src/template/index.js';
import { wfError } from './helpers.js';

const fails = (text: string) => wfError(() => compileTemplate(text));

describe('compileTemplate: syntax errors are E_EXPR with a hint where one helps', () => {
  it.each([
    ['${{ params.n', 'unclosed'],
    ['$<params.n', 'unclosed'],
    ['${{ }}', 'empty'],
    ['$< >', 'empty'],
    ["${{ 'abc }}", 'unterminated string'],
    ["$<'abc>", 'unterminated string'],
    ['${{ params.n == }}', 'missing operand'],
    ['${{ params.n && }}', 'missing operand'],
    ['${{ == 1 }}', 'unexpected'],
    ['${{ params.n params.m }}', 'unexpected'],
    ['${{ (params.n }}', "expected ')'"],
    ['${{ params.tables[0 }}', "expected ']'"],
    ['${{ contains(params.n, 1 }}', "expected ')'"],
    ['${{ params. }}', 'property name'],
    ['${{ params.tables.0 }}', 'property name'],
    ['${{ params | }}', 'filter name'],
    ['${{ 1abc }}', 'bad number'],
    ['${{ 1.2.3 }}', 'bad number'],
  ])('%s → %s', (text, words) => {
    const error = fails(text);
    expect(error.code).toBe('E_EXPR');
    expect(error.message).toContain(words);
  });

  it.each(['+', '-', '*', '/', '%'])('refuses the arithmetic operator %s', (op) => {
    const error = fails(`\${{ params.n ${op} 1 }}`);
    expect(error.code).toBe('E_EXPR');
    expect(error.message).toContain('arithmetic');
  });

  it('reads -2 as a number, but a minus after an operand as arithmetic', () => {
    expect(compileTemplate('${{ -2 }}').parts[0]).toEqual({ kind: 'literal', value: -2 });
    expect(fails('${{ params.n -2 }}').message).toContain('arithmetic');
  });

  it('reads a hyphen between name characters as part of the name', () => {
    expect(compileTemplate('${{ params.run-date }}').parts[0]).toEqual({
      kind: 'member',
      object: { kind: 'context', name: 'params' },
      property: { kind: 'literal', value: 'run-date' },
    });
  });

  it('suggests the closest context, function and filter', () => {
    expect(fails('${{ parms.x }}').hint).toBe("did you mean 'params'?");
    expect(fails('${{ contain(params.x, 1) }}').hint).toBe("did you mean 'contains'?");
    expect(fails('${{ params.x | uper }}').hint).toBe("did you mean 'upper'?");
    expect(fails('${{ always }}').hint).toContain('always(');
  });

  it('checks the number of arguments of functions and filters', () => {
    expect(fails('${{ contains(params.x) }}').message).toContain('takes 2 arguments, got 1');
    expect(fails('${{ success(1) }}').message).toContain('takes 0 arguments');
    expect(fails('${{ format() }}').message).toContain('at least 1');
    expect(fails('${{ params.x | upper(1) }}').message).toContain('takes 0 arguments');
    expect(fails('${{ params.x | default }}').message).toContain('takes 1 argument,');
  });

  it('checks a literal fmt pattern at compile time', () => {
    const error = fails("${{ params.d | fmt('%Y-%Q') }}");
    expect(error.message).toContain('%Q');
    expect(error.hint).toContain('%Y');
  });

  it('explains double quotes, a single = and a single &', () => {
    expect(fails('${{ "x" }}').hint).toContain('single quotes');
    expect(fails('${{ params.x = 1 }}').hint).toContain('==');
    expect(fails('${{ params.x & 1 }}').hint).toContain('&&');
  });

  it('gives the column inside the whole ${{ }} text', () => {
    expect(fails('${{ params.n + 1 }}').message).toContain('column 14 of ${{ params.n + 1 }}');
    expect(fails('$<nosuch>').message).toContain('column 3 of $<nosuch>');
  });

  it('refuses names that would reach JavaScript objects', () => {
    expect(fails('${{ constructor }}').message).toContain('unknown context');
    expect(fails("${{ constructor('x') }}").message).toContain('unknown function');
    expect(fails('${{ params | constructor }}').message).toContain('unknown filter');
    expect(fails('${{ __proto__ }}').message).toContain('unknown context');
  });

  it('bounds nesting instead of overflowing the stack', () => {
    expect(fails(`\${{ ${'('.repeat(5000)}1${')'.repeat(5000)} }}`).message).toContain('nested deeper than 50 levels');
    expect(fails(`\${{ ${'!'.repeat(5000)}true }}`).message).toContain('nested deeper than 50 levels');
    expect(compileTemplate(`\${{ ${'('.repeat(49)}1${')'.repeat(49)} }}`).whole).toBe(true);
    // Every link of a chain counts (GitHub's rule), so 5,600 links are an error, not a stack overflow.
    expect(fails(`\${{ params${'.a'.repeat(5600)} }}`).message).toContain('nested deeper than 50 levels');
    expect(fails(`\${{ params.a${' | upper'.repeat(60)} }}`).message).toContain('nested deeper than 50 levels');
    // A long chain of || is one level; the whole expression is bounded by its length instead.
    expect(compileTemplate(`\${{ ${Array.from({ length: 1500 }, () => 'params.a').join(' || ')} }}`).whole).toBe(true);
    expect(fails(`\${{ ${'1 || '.repeat(6000)}1 }}`).message).toContain('longer than 21000 characters');
  });

  it('compiles a condition written without delimiters', () => {
    expect(compileCondition("params.mode == 'full'").whole).toBe(true);
    expect(wfError(() => compileCondition('params.mode =')).code).toBe('E_EXPR');
  });
});

describe('compileTemplate: splitting text', () => {
  it('marks a template that is exactly one expression as whole', () => {
    expect(compileTemplate('${{ params.n }}').whole).toBe(true);
    expect(compileTemplate(' ${{ params.n }}').whole).toBe(false);
    expect(compileTemplate('plain').parts).toEqual(['plain']);
    expect(compileTemplate('').parts).toEqual([]);
  });

  it("ends ${{ at the first }} outside a string: ${{ '}}' }}", () => {
    const t = compileTemplate("a${{ '}}' }}b");
    expect(t.parts).toEqual(['a', { kind: 'literal', value: '}}' }, 'b']);
  });

  it('ends $< at the first > outside brackets and strings', () => {
    expect(compileTemplate("$<'a>b'>").parts).toEqual([{ kind: 'literal', value: 'a>b' }]);
    expect(compileTemplate('$<(params.n > 1)>').whole).toBe(true);
    expect(compileTemplate('$<params.x[(1)]>!').parts).toHaveLength(2);
    // Unparenthesised, the > closes the expression and the rest is text.
    expect(compileTemplate('$<params.n > 1>').parts).toEqual([
      { kind: 'member', object: { kind: 'context', name: 'params' }, property: { kind: 'literal', value: 'n' } },
      ' 1>',
    ]);
  });

  it('normalises needs to jobs and keeps the AST JSON-serialisable', () => {
    const t = compileTemplate("x ${{ needs.a.outputs.b | default(format('{0}', 1)) && !failure() }}");
    expect(JSON.parse(JSON.stringify(t))).toEqual(t);
    expect(structuredClone(t)).toEqual(t);
    expect(JSON.stringify(t)).toContain('"name":"jobs"');
  });
});
