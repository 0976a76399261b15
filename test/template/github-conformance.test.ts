import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateExpression } from '../../src/api/expressions.js';
import { WfError } from '../../src/errors/index.js';

// GitHub's own expression test data (actions/languageservices, expressions/testdata, MIT; see LICENSE
// beside it), run through wf's evaluator as the library API exposes it. Every case passes except the
// ones listed in deviations.json, each with the documented reason; and each listed one must really
// differ, so the list cannot hide a case that was fixed or a new failure.
const DIR = join(import.meta.dirname, '../fixtures/github-expressions');

interface Case {
  expr: string;
  contexts?: Record<string, unknown>;
  result?: { kind: string; value: unknown };
  err?: { kind: string; value: string };
  options?: { skip?: string[] };
}
interface Deviation { file: string; group: string; index: number; reason: string; expr: string }

const deviations = JSON.parse(readFileSync(join(DIR, 'deviations.json'), 'utf8')) as { reasons: Record<string, string>; cases: Deviation[] };
const deviant = new Map(deviations.cases.map((d) => [`${d.file}#${d.group}#${d.index}`, d]));

function outcome(c: Case): { ok: boolean; got: string } {
  let got: unknown;
  try {
    got = evaluateExpression(c.expr, c.contexts ?? {});
  } catch (e) {
    // A failure must be wf's own error, never a crash of the evaluator.
    if (!(e instanceof WfError)) throw e;
    return { ok: c.err !== undefined, got: `${e.code}: ${e.message}` };
  }
  if (c.err) return { ok: false, got: JSON.stringify(got) };
  const want = c.result!.value;
  const ok = typeof got === 'number' && typeof want === 'number' ? Object.is(got, want) || got === want : JSON.stringify(got) === JSON.stringify(want);
  return { ok, got: JSON.stringify(got) };
}

const files = readdirSync(DIR).filter((f) => f.endsWith('.json') && f !== 'deviations.json').sort();
let total = 0;
let passed = 0;

describe("GitHub's expression test data", () => {
  for (const file of files) {
    const data = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Record<string, Case[]>;
    it(file, () => {
      const wrong: string[] = [];
      for (const [group, cases] of Object.entries(data)) {
        cases.forEach((c, index) => {
          if (c.options?.skip?.includes('typescript')) return; // GitHub's TypeScript evaluator skips it too
          total++;
          const { ok, got } = outcome(c);
          const known = deviant.get(`${file}#${group}#${index}`);
          if (ok && !known) passed++;
          else if (!ok && !known) wrong.push(`${group}[${index}] ${c.expr}: want ${JSON.stringify(c.err ?? c.result)}, got ${got}`);
          else if (ok && known) wrong.push(`${group}[${index}] ${c.expr} passes: remove it from deviations.json`);
        });
      }
      expect(wrong).toEqual([]);
    });
  }

  it('every deviation has a documented reason, and they are few', () => {
    for (const d of deviations.cases) expect(deviations.reasons[d.reason], d.expr).toBeDefined();
    expect(total).toBeGreaterThan(1000);
    expect(passed + deviations.cases.length).toBe(total);
    expect(deviations.cases.length).toBeLessThan(80);
  });
});
