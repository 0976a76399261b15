import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WfError } from '../../src/errors/index.js';
import { compileTemplate, render, renderShell, type ExprContext } from '../../src/template/index.js';

const ctx: ExprContext = {
  params: { n: 7, s: 'abc', d: '2024-01-31T10:20:30Z', list: [1, 'x'], obj: { a: { b: null } }, nil: null },
  stages: { s: { outputs: { v: '5' } } },
  item: 'i',
  index: 0,
};

const FRAGMENTS = [
  '${{', '}}', '$<', '>', '<', "'", "''", '"', '(', ')', '[', ']', '.', ',', '|', '||', '&&', '!', '==', '!=',
  '<=', '>=', ' ', '-', '-1', '+', '*', '0', '1.5', 'true', 'null', 'params', 'params.n', 'params.s',
  'params.list', 'params.obj', 'params.d', 'needs', 'stages.s.outputs.v', 'item', 'nosuch', 'length',
  '__proto__', 'constructor', 'contains(', 'format(', "'{0}'", 'fromJSON(', 'toJSON(', 'join(', 'success()',
  'upper', 'default(', 'fmt(', "'%Y'", 'add_days(', 'keys', 'json', 'title', '\n', '\\', '$', '`', '#',
];

const templateish = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 14 }).map((parts) => parts.join(''));

/** Compiling and rendering either gives a value or throws a WfError: never any other exception. */
function valueOrWfError(text: string): void {
  try {
    const t = compileTemplate(text);
    const value = render(t, ctx);
    if (!t.whole) expect(typeof value).toBe('string');
    renderShell(text, ctx);
  } catch (error) {
    if (!(error instanceof WfError)) throw error;
    expect(error.code).toMatch(/^E_/);
  }
}

describe('property: compile + render never throw anything but a WfError', () => {
  it('for arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ maxLength: 60 }), valueOrWfError), { numRuns: 400 });
  });

  it('for strings built from template fragments', () => {
    fc.assert(fc.property(templateish, valueOrWfError), { numRuns: 1500 });
  });

  it('for well-formed expressions built from fragments', () => {
    const body = fc.array(fc.constantFrom(...FRAGMENTS.filter((f) => !f.includes('}}') && !f.includes('$'))), { minLength: 1, maxLength: 10 });
    fc.assert(fc.property(body, (parts) => valueOrWfError(`\${{ ${parts.join(' ')} }}`)), { numRuns: 1500 });
  });

  it('text without an opener renders as itself', () => {
    const plain = fc.string({ maxLength: 40 }).filter((s) => !s.includes('${{') && !s.includes('$<'));
    fc.assert(fc.property(plain, (s) => {
      expect(render(compileTemplate(s), ctx)).toBe(s);
    }), { numRuns: 300 });
  });
});
