import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderString, type ExprContext } from '../../src/template/index.js';
import { wfError } from './helpers.js';

interface Case {
  template: string;
  expect?: unknown;
  error?: string;
}

// The product's reference cases for expressions, kept in the repository (a clone stands alone).
const file = new URL('../fixtures/conformance/expressions.json', import.meta.url);
const data = JSON.parse(readFileSync(file, 'utf8')) as { context: ExprContext; cases: Case[] };

describe('conformance/expressions.json (the reference cases)', () => {
  it('has cases to run', () => {
    expect(data.cases.length).toBeGreaterThan(50);
  });

  for (const c of data.cases) {
    if ('error' in c) {
      it(`rejects ${c.template} (${c.error})`, () => {
        const error = wfError(() => renderString(c.template, data.context));
        expect(['E_EXPR', 'E_EXPR_EVAL', 'E_EXPR_REF']).toContain(error.code);
      });
    } else {
      it(`renders ${c.template}`, () => {
        expect(renderString(c.template, data.context)).toStrictEqual(c.expect);
      });
    }
  }
});
