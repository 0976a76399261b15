import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, hasStackTrace, runWf, tmpProject } from '../helpers/index.js';

beforeAll(assertBuilt);

describe('hook errors with their place', () => {
  it('a .ts hook with a syntax error on line 3 is reported as file.ts:3 with the compiler message; wf hooks exits 2', async () => {
    const dir = tmpProject({
      'hooks/bad.ts': 'export const a = {\n  name: "a",\n  tag: "v1", with: {}, run: async () => { return { x: } },\n};\n',
      'hooks/good.mjs': "export const ok = { name: 'ok', tag: 'v1', with: {}, run: async () => ({}) };\n",
      'conf/p.yml': 'p:\n  type: Pipeline\n  jobs:\n    j:\n      stages: [{uses: bad/a}]\n',
    });
    const hooks = await runWf(['hooks'], { cwd: dir });
    expect(hooks.code).toBe(2);
    expect(hooks.stdout).toMatch(/good\/ok@v1/);
    expect(hooks.stdout).toMatch(/bad\.ts:3:\d+: Unexpected/);
    const v = await runWf(['validate'], { cwd: dir });
    expect(v.code).toBe(2);
    expect(hasStackTrace(v.stderr)).toBe(false);
    expect(v.stderr).toMatch(/bad\.ts:3:\d+: Unexpected/);
  });
});

describe('mistakes caught before running', () => {
  it("an if: with text outside its ${{ }} and needs.a.outputs.row (a declares rows) are located validate errors", async () => {
    const dir = tmpProject({
      'conf/p.yml': "p:\n  type: Pipeline\n  params:\n    mode: {type: str, default: full}\n  jobs:\n    a:\n      if: ${{ params.mode }} == 'delta'\n      stages: [{id: s, run: 'echo rows=1 >> $WF_OUTPUT'}]\n      outputs: {rows: \"${{ stages.s.outputs.rows }}\"}\n    b:\n      needs: [a]\n      stages:\n        - echo: \"${{ needs.a.outputs.row }}\"\n",
    });
    const v = await runWf(['validate'], { cwd: dir });
    expect(v.code).toBe(2);
    expect(v.stderr).toMatch(/conf\/p\.yml:7:11\s+E_EXPR\s+if: has text outside/);
    expect(v.stderr).toMatch(/hint: write the whole condition as one expression: if: \$\{\{ params\.mode == 'delta' \}\}/);
    expect(v.stderr).toMatch(/conf\/p\.yml:13:\d+\s+E_EXPR_REF\s+job 'a' has no output 'row'/);
    expect(v.stderr).toMatch(/did you mean 'rows'\?/);
  });
});

describe('a hook module with two problems', () => {
  it('lists each problem with its own message in wf validate, wf run and wf hooks (exit 2)', async () => {
    const dir = tmpProject({
      'hooks/two.ts': "export const a = { name: 'bad name!', run: async () => ({}) };\nexport const b = { name: 'b', tag: 'v 1', run: async () => ({}) };\n",
      'conf/two.yml': 'two:\n  type: Pipeline\n  jobs:\n    j:\n      stages:\n        - uses: two/b@v1\n',
    });
    for (const args of [['validate'], ['run', 'two'], ['hooks']]) {
      const r = await runWf(args, { cwd: dir });
      expect(r.code, args.join(' ')).toBe(2);
      const text = r.stdout + r.stderr;
      expect(text).toContain("hook 'bad name!' (export 'a') has a name uses: cannot spell");
      expect(text).toContain('hook \'b\' (export \'b\') has a bad tag "v 1"');
      expect(text).not.toContain('2 problems found');
    }
  });
});
