import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, jobOf, onlyRun, readRuns, REPO, runWf, tmpDir } from '../helpers/index.js';

beforeAll(assertBuilt);

/** Splits one CSV line, honouring double-quoted fields (the data has "Dupont, Marie"). */
function cells(line: string): string[] {
  const out: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted && c === '"' && line[i + 1] === '"') (cell += '"'), i++;
    else if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) out.push(cell), (cell = '');
    else cell += c;
  }
  return [...out, cell];
}

/** The grand total the report should hold, computed from conf/data/*.csv independently of the hook. */
function expectedTotal(tables: string[], min = 0): number {
  let total = 0;
  for (const table of tables) {
    const [header, ...rows] = readFileSync(join(REPO, 'conf', 'data', `${table}.csv`), 'utf8').split(/\r?\n/).filter((l) => l.trim());
    const col = cells(header!).indexOf('amount');
    for (const row of rows) {
      const amount = Number(cells(row)[col]);
      if (Math.abs(amount) >= min) total += amount;
    }
  }
  return total;
}

/** The one dated folder the report went into. */
function reportOf(outDir: string): { tables: string[]; total: number } {
  const dated = readdirSync(outDir).filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d));
  expect(dated).toHaveLength(1);
  return JSON.parse(readFileSync(join(outDir, dated[0]!, 'report.json'), 'utf8')) as { tables: string[]; total: number };
}

describe.concurrent('the shipped examples, run from the repository', () => {
  it('wf run hello-world greets the world, then Ada with -p name=Ada', async () => {
    const state = tmpDir();
    const plain = await runWf(['run', 'hello-world', '--state', state], { cwd: REPO });
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toContain('Hello, World!');
    expect(plain.stdout).toContain('HELLO, WORLD!');

    const ada = await runWf(['run', 'hello-world', '--state', state, '-p', 'name=Ada'], { cwd: REPO });
    expect(ada.code, ada.stderr).toBe(0);
    expect(ada.stdout).toContain('Hello, Ada!');
    expect(ada.stdout).not.toContain('World');
    const [latest] = readRuns(state); // newest first
    expect(latest!.run.params).toEqual({ name: 'Ada' });
    expect(jobOf(latest!, 'greet').outputs).toEqual({ greeting: 'hello Ada' });
  });

  it('wf run sales-report writes report.json with the grand total of conf/data/*.csv', async () => {
    const state = tmpDir();
    const out = tmpDir();
    const r = await runWf(['run', 'sales-report', '--state', state, '-p', `output-dir=${out}`], { cwd: REPO });
    expect(r.code, r.stderr).toBe(0);
    const report = reportOf(out);
    expect(report.tables).toEqual(['orders', 'refunds', 'shipments']);
    expect(report.total).toBeCloseTo(expectedTotal(['orders', 'refunds', 'shipments']), 2);

    const run = onlyRun(state);
    expect(run.run.status).toBe('success');
    expect(run.jobs.map((j) => j.key).sort()).toEqual(['aggregate (orders)', 'aggregate (refunds)', 'aggregate (shipments)', 'combine']);
    expect(jobOf(run, 'combine').outputs?.['grand-total']).toBeCloseTo(report.total, 2);
  });

  it('sales-report takes an array param and a float threshold from -p', async () => {
    const state = tmpDir();
    const out = tmpDir();
    const r = await runWf(['run', 'sales-report', '--state', state, '-p', `output-dir=${out}`, '-p', 'tables=orders,refunds', '-p', 'min-amount=20'], { cwd: REPO });
    expect(r.code, r.stderr).toBe(0);
    const report = reportOf(out);
    expect(report.tables).toEqual(['orders', 'refunds']);
    expect(report.total).toBeCloseTo(expectedTotal(['orders', 'refunds'], 20), 2);
    expect(report.total).not.toBeCloseTo(expectedTotal(['orders', 'refunds']), 2);
  });

  it('sales-report combines only the tables of this run, even when the folder holds an earlier run with more', async () => {
    const state = tmpDir();
    const out = tmpDir();
    expect((await runWf(['run', 'sales-report', '--state', state, '-p', `output-dir=${out}`], { cwd: REPO })).code).toBe(0);
    const r = await runWf(['run', 'sales-report', '--state', state, '-p', `output-dir=${out}`, '-p', 'tables=orders'], { cwd: REPO });
    expect(r.code, r.stderr).toBe(0);
    const report = reportOf(out);
    expect(report.tables).toEqual(['orders']);
    expect(report.total).toBeCloseTo(expectedTotal(['orders']), 2);
  });

  it('sales-report writes its report under out/, not inside .wf/', () => {
    const conf = readFileSync(join(REPO, 'conf', 'sales-report.yml'), 'utf8');
    expect(conf).toMatch(/output-dir: \{type: str, default: out\/reports\}/);
  });
});
