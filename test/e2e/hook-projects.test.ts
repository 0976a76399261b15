import { availableParallelism } from 'node:os';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runWf, tmpProject } from '../helpers/index.js';

beforeAll(assertBuilt);

const CONF = `
p:
  type: Pipeline
  jobs:
    j:
      stages:
        - id: ts
          uses: load/load@v1
          with: {n: 3}
        - id: js
          uses: esm/hi@v1
        - id: typed
          uses: typed/typed@v1
          with: {n: 2}
        - id: mjs
          uses: selfm/selfm@v1
        - id: via
          uses: via/via@v1
        - run: echo "got \${{ stages.ts.outputs.count }} \${{ stages.js.outputs.ok }} \${{ stages.typed.outputs.c }} \${{ stages.mjs.outputs.ok }} \${{ stages.via.outputs.ok }}"
        - uses: boom/boom@v1
`;

const HOOKS = {
  'hooks/csvutil.ts': 'export function rows(n: number): string[] {\n  return Array.from({ length: n }, (_, i) => `row${i}`);\n}\n',
  'hooks/load.ts': "import { rows } from './csvutil';\nimport { rows as again } from './csvutil.js';\nexport const load = { name: 'load', tag: 'v1', with: { n: 'int' }, run: async (args: { n: number }) => ({ count: rows(args.n).length + again(1).length }) };\n",
  'hooks/esm.js': "export const hi = { name: 'hi', tag: 'v1', run: async () => ({ ok: 'yes' }) };\n",
  'hooks/typed.ts': "import { defineHook } from 'wf-runner';\nimport { rows } from './csvutil.js';\nexport const typed = defineHook({ name: 'typed', tag: 'v1', with: { n: 'int' } }, async (args) => ({ c: rows(args.n).length }));\n",
  // ES modules naming wf-runner, directly and through a helper: the loader hook that resolves it is registered on demand.
  'hooks/selfm.mjs': "import { defineHook } from 'wf-runner';\nexport const selfm = defineHook({ name: 'selfm', tag: 'v1' }, async () => ({ ok: 'm' }));\n",
  'hooks/mk.mjs': "import { defineHook } from 'wf-runner';\nexport const make = (name) => defineHook({ name, tag: 'v1' }, async () => ({ ok: name }));\n",
  'hooks/via.mjs': "import { make } from './mk.mjs';\nexport const via = make('via');\n",
  // Line 5 of the .ts source (the type on line 1 is gone from the JavaScript tsx runs).
  'hooks/boom.ts': "type A = { n: number };\n\nexport const boom = { name: 'boom', tag: 'v1', run: async (_: A) => {\n  const x = 1;\n  throw new Error('exploded here ' + x);\n} };\n",
};

describe('hooks in any project', () => {
  for (const type of ['commonjs', 'module', null, 'no package.json']) {
    const manifest = type === 'no package.json' ? {} : { 'package.json': JSON.stringify({ name: 'mine', version: '1.0.0', ...(type ? { type } : {}) }) };
    it(`${type === 'no package.json' ? type : `package.json ${type ? `"type": "${type}"` : 'without type'}`}: .ts hooks importing sibling .ts helpers, an ESM .js hook, wf-runner not installed; an exception names the .ts line`, async () => {
      const dir = tmpProject({ ...manifest, 'conf/p.yml': CONF, ...HOOKS });
      const r = await runWf(['run', 'p'], { cwd: dir });
      expect(r.stdout, r.stderr).toContain('got 4 yes 2 m via');
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/✗ uses boom\/boom@v1 \S+: exploded here 1 \(at hooks\/boom\.ts:5:\d+\)/);
    });
  }
});

// The resolve hook that lets ES modules import wf-runner costs each thread a loader thread, so it is
// registered only for a hook module that may need it: one naming wf-runner, or importing (by a
// relative path, or by a computed name) one that does. Each case runs alone, so no other hook has
// registered it already.
describe('a hook reaching wf-runner only indirectly, wf-runner not installed', () => {
  const helper = "import { defineHook } from 'wf-runner';\nexport const make = (name) => defineHook({ name, tag: 'v1' }, async () => ({ ok: name }));\n";
  const cases = {
    'through a computed import()': { 'hooks/dyn.mjs': "const { make } = await import(new URL('../lib/mk.mjs', import.meta.url).href);\nexport const dyn = make('dyn');\n" },
    'through a helper outside hooks/': { 'hooks/dyn.mjs': "import { make } from '../lib/mk.mjs';\nexport const dyn = make('dyn');\n" },
    'through a chain of two relative imports': { 'hooks/dyn.mjs': "export { dyn } from './mid.mjs';\n", 'hooks/mid.mjs': "import { make } from '../lib/mk.mjs';\nexport const dyn = make('dyn');\n" },
  };
  for (const [name, files] of Object.entries(cases)) {
    it(name, async () => {
      const dir = tmpProject({
        'conf/p.yml': 'p:\n  type: Pipeline\n  jobs:\n    j:\n      stages:\n        - id: d\n          uses: dyn/dyn@v1\n        - run: echo "got ${{ stages.d.outputs.ok }}"\n',
        'lib/mk.mjs': helper,
        ...files,
      });
      const r = await runWf(['run', 'p'], { cwd: dir });
      expect(r.stdout + r.stderr).toContain('got dyn');
      expect(r.code).toBe(0);
    });
  }
});

describe('hooks that declare outputs:', () => {
  const DECL = "import { defineHook } from 'wf-runner';\n" +
    "export const counts = defineHook({ name: 'counts', tag: 'v1', with: { n: 'int' }, outputs: { rows: 'int', path: { type: 'str', default: '' } } }, async (args) => ({ rows: args.n }));\n" +
    "export const liar = defineHook({ name: 'liar', tag: 'v1', outputs: { rows: 'int' } }, async () => ({ rowz: 1 }));\n";
  const conf = (read: string) =>
    `d:\n  type: Pipeline\n  jobs:\n    j:\n      stages:\n        - id: c\n          uses: decl/counts@v1\n          with: {n: 4}\n        - run: echo "${read}"\n        - uses: decl/liar@v1\n`;

  it('make stages.<id>.outputs.<key> checkable at load time, with did-you-mean', async () => {
    const dir = tmpProject({ 'conf/d.yml': conf('${{ stages.c.outputs.row }}'), 'hooks/decl.ts': DECL });
    for (const args of [['validate'], ['run', 'd']]) {
      const r = await runWf(args, { cwd: dir });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/conf\/d\.yml:9:\d+\s+E_EXPR_REF\s+stage 'c' \(decl\/counts@v1\) has no output 'row'/);
      expect(r.stderr).toMatch(/hint: did you mean 'rows'\?/);
    }
  });

  it('fill declared defaults, and fail the stage of a hook that returns other keys', async () => {
    const dir = tmpProject({ 'conf/d.yml': conf('rows=${{ stages.c.outputs.rows }} path=[${{ stages.c.outputs.path }}]'), 'hooks/decl.ts': DECL });
    const r = await runWf(['run', 'd'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('rows=4 path=[]');
    expect(r.stdout).toMatch(/✗ uses decl\/liar@v1 \S+: decl\/liar@v1 returned outputs that do not fit its outputs: declaration: unknown output 'rowz'/);
  });
});

describe('defineHook types args from with:', () => {
  it('a hook using its args as declared type-checks; one misusing them does not (tsc)', async () => {
    const { spawnSync } = await import('node:child_process');
    const { join } = await import('node:path');
    const { REPO } = await import('../helpers/index.js');
    const good = "import { defineHook } from 'wf-runner';\nexport const h = defineHook(\n  { name: 'h', with: { table: 'str', limit: { type: 'int', default: 100 }, mode: { type: 'choice', options: ['full', 'delta'] }, since: { type: 'date', default: null } } },\n  async (args) => {\n    const t: string = args.table;\n    const n: number = args.limit;\n    const m: 'full' | 'delta' = args.mode;\n    const s: string | null = args.since;\n    return { rows: t.length + n + m.length + (s?.length ?? 0) };\n  },\n);\n";
    const bad = "import { defineHook } from 'wf-runner';\nexport const h = defineHook({ name: 'h', with: { limit: 'int' } }, async (args) => {\n  const s: string = args.limit;\n  return { s, x: args.nope };\n});\n";
    const dir = tmpProject({ 'good.ts': good, 'bad.ts': bad }, { linkPackage: true });
    const tsc = (file: string) =>
      spawnSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck', file], { cwd: dir, encoding: 'utf8' });
    const ok = tsc('good.ts');
    expect(ok.status, ok.stdout).toBe(0);
    const ko = tsc('bad.ts');
    expect(ko.status).not.toBe(0);
    expect(ko.stdout).toMatch(/bad\.ts\(3,9\): error TS2322: Type 'number' is not assignable to type 'string'/);
    expect(ko.stdout).toMatch(/bad\.ts\(4,23\): error TS2339: Property 'nope' does not exist/);
  }, 60_000);
});

describe('a worker thread between hook calls', () => {
  it('keeps running what a finished hook left behind (a timer fires while later stages run)', async () => {
    const dir = tmpProject({
      'conf/p.yml': 'p:\n  type: Pipeline\n  jobs:\n    j:\n      stages:\n        - uses: later/later@v1\n        - run: sleep 1\n        - run: cat late.txt\n',
      'hooks/later.mjs':
        "import { writeFileSync } from 'node:fs';\nexport const later = { name: 'later', tag: 'v1', run: async () => { setTimeout(() => writeFileSync('late.txt', 'timer fired'), 100); return {}; } };\n",
    });
    const r = await runWf(['run', 'p'], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('timer fired');
  });
});

describe('a hook call waiting for a thread', () => {
  it('runs on a thread that is waiting on a slow async hook, instead of waiting for that hook to end', async () => {
    // A slow hook (awaiting a timer) for every thread, made in the same tick as the quick job's first
    // call (listed second, so it shares a thread with a slow one when calls are split evenly). The
    // quick job's later calls go to a thread that has answered since: they need not wait the 3 s.
    const slow = Array.from({ length: availableParallelism() }, (_, i) => `    s${i}: {stages: [{uses: h/slow@v1}]}`);
    const quick = '    q:\n      stages:\n        - uses: h/quick@v1\n        - uses: h/quick@v1\n        - uses: h/quick@v1';
    const dir = tmpProject({
      'conf/p.yml': `p:\n  type: Pipeline\n  jobs:\n${[slow[0], quick, ...slow.slice(1)].join('\n')}\n`,
      'hooks/h.mjs':
        "import { setTimeout as sleep } from 'node:timers/promises';\nexport const slow = { name: 'slow', tag: 'v1', run: async (_a, ctx) => { await sleep(3000, undefined, { signal: ctx.signal }); return {}; } };\nexport const quick = { name: 'quick', tag: 'v1', run: async () => ({}) };\n",
    });
    const r = await runWf(['run', 'p'], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const quickDone = r.stdout.indexOf('[q] ✓ job success');
    expect(quickDone).toBeGreaterThan(0);
    expect(r.stdout.indexOf('[s0] ✓ job success')).toBeGreaterThan(quickDone);
    expect(r.stdout).toMatch(/\[q\] ✓ job success (\d{1,3}ms|1\.\d+s)\n/);
  });

  it('ends at its timeout without waiting for a thread, and fails no other call', async () => {
    const slow = Array.from({ length: availableParallelism() }, (_, i) => `    s${i}: {stages: [{uses: h/slow@v1}]}`).join('\n');
    const dir = tmpProject({
      'conf/p.yml': `p:\n  type: Pipeline\n  jobs:\n${slow}\n    c:\n      stages:\n        - run: sleep 0.3\n        - uses: h/quick@v1\n          timeout: 500ms\n    d:\n      stages:\n        - run: sleep 0.5\n        - uses: h/quick@v1\n`,
      'hooks/h.mjs':
        "import { setTimeout as sleep } from 'node:timers/promises';\nexport const slow = { name: 'slow', tag: 'v1', run: async (_a, ctx) => { await sleep(4000, undefined, { signal: ctx.signal }); return {}; } };\nexport const quick = { name: 'quick', tag: 'v1', run: async () => ({}) };\n",
    });
    const r = await runWf(['run', 'p'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\[c\] ✗ uses h\/quick@v1 (\d+)ms: stage timed out after 500ms/);
    expect(r.stdout).toMatch(/\[d\] ✓ job success/);
    expect(r.stdout).toMatch(new RegExp(`${availableParallelism() + 1}/${availableParallelism() + 2} jobs ok`));
  });
});
