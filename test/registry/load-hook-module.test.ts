import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WfError, WfErrors, diagnosticsOf } from '../../src/errors/index.js';
import { defineHook, loadHookModule } from '../../src/registry/index.js';
import { importModuleFile } from '../../src/registry/import-module.js';
import { fixture, tmpTree } from './helpers.js';

const basic = fixture('basic');
const broken = fixture('broken');

async function loadError(file: string): Promise<WfError> {
  const error = await loadHookModule(file).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(WfError);
  return error as WfError;
}

describe('loadHookModule', () => {
  it('loads plain-object hooks from a .ts module and ignores other exports', async () => {
    const hooks = await loadHookModule(join(basic, 'sales.ts'));
    expect(hooks.map((h) => [h.exportName, h.name, h.tag])).toEqual([
      ['fetchV1', 'fetch', 'v1'],
      ['fetchV2', 'fetch', 'v2'],
      ['load', 'load', null],
      ['reportLatest', 'report', 'latest'],
      ['reportV1', 'report', 'v1'],
    ]);
    const fetch = hooks[0]!;
    expect(fetch.file).toBe(join(basic, 'sales.ts'));
    expect(fetch.desc).toBe('Fetch one table of one region');
    expect(fetch.inputs).toEqual({
      region: { type: 'str', required: true },
      table: { type: 'str', required: true },
      limit: { type: 'int', default: 1000, required: false },
    });
  });

  it('loads .mjs, .js (default export), .mts and <module>/index.ts importing a sibling .ts', async () => {
    expect((await loadHookModule(join(basic, 'util.mjs'))).map((h) => h.name)).toEqual(['echo']);
    const [ping] = await loadHookModule(join(basic, 'legacy.js'));
    expect(ping).toMatchObject({ name: 'ping', tag: null, exportName: 'default' });
    const [area] = await loadHookModule(join(basic, 'shapes.mts'));
    expect(area!.inputs.shape).toEqual({ type: 'choice', options: ['square', 'circle'], required: true });
    const [load] = await loadHookModule(join(basic, 'warehouse', 'index.ts'));
    expect(await load!.run({ table: 'orders', rows: 3, columns: ['id'] }, undefined as never)).toEqual({
      sql: 'INSERT INTO orders /* 3 rows */',
      columns: ['id'],
    });
  });

  const tree = tmpTree({
    'same-twice.mjs': 'const h = { name: "h", run: () => 1 };\nexport const named = h;\nexport default h;\n',
    'counter.ts': 'let n: number = 0;\nexport const count = { name: "count", run: (): number => ++n };\nexport const state = { loaded: Date.now() };\n',
  });
  afterAll(tree.cleanup);

  it('treats defineHook results as hooks', async () => {
    const hook = defineHook({ name: 'made', tag: 'v3', with: { n: 'int' } }, (args: { n: number }) => args.n * 2);
    expect(hook).toMatchObject({ name: 'made', tag: 'v3', with: { n: 'int' } });
    expect(typeof hook.run).toBe('function');
    const { extractHooks } = await import('../../src/registry/load-hook-module.js');
    const [loaded] = extractHooks('/x/made.ts', { made: hook });
    expect(loaded).toMatchObject({ name: 'made', tag: 'v3', exportName: 'made', inputs: { n: { type: 'int', required: true } } });
    expect(await loaded!.run({ n: 21 }, undefined as never)).toBe(42);
  });

  it('lists a hook exported twice (named and default) once, under its named export', async () => {
    const hooks = await loadHookModule(join(tree.dir, 'same-twice.mjs'));
    expect(hooks.map((h) => h.exportName)).toEqual(['named']);
  });

  it('imports a .ts file once per thread: the same module instance and state', async () => {
    const file = join(tree.dir, 'counter.ts');
    const a = await importModuleFile(file);
    const b = await importModuleFile(file);
    expect(b).toBe(a);
    expect(b.state).toBe(a.state);
    const [first] = await loadHookModule(file);
    const [again] = await loadHookModule(file);
    expect(again).toBe(first);
    const before = (await first!.run({}, undefined as never)) as number;
    expect(await (a.count as { run: () => number }).run()).toBe(before + 1);
  });

  it('wraps a module that throws on import in E_HOOK_MODULE with the file and the cause', async () => {
    const error = await loadError(join(broken, 'throws.ts'));
    expect(error.code).toBe('E_HOOK_MODULE');
    expect(error.message).toContain(join(broken, 'throws.ts'));
    expect(error.message).toContain('database is not configured');
    expect((error.cause as Error).message).toBe('database is not configured');
  });

  it('places a TypeScript syntax error at its line and column', async () => {
    const error = await loadError(join(broken, 'syntax.ts'));
    expect(error.code).toBe('E_HOOK_MODULE');
    expect(error.loc).toEqual({ file: join(broken, 'syntax.ts'), line: 1, col: 50 });
  });

  it('explains a missing dependency', async () => {
    const error = await loadError(join(broken, 'missing-dep.mjs'));
    expect(error.code).toBe('E_HOOK_MODULE');
    expect(error.message).toContain('wf-no-such-package-anywhere');
    expect(error.hint).toContain('missing');
  });

  it('reports every bad input declaration, naming hook and input', async () => {
    const error = await loadError(join(broken, 'bad-with.js'));
    expect(error).toBeInstanceOf(WfErrors);
    const all = diagnosticsOf(error);
    expect(all.map((e) => e.code)).toEqual(['E_HOOK_MODULE', 'E_HOOK_MODULE']);
    expect(all[0]!.message).toMatch(/hook 'typo'.*input 'limit': unknown type 'integer'/);
    expect(all[0]!.hint).toBe("did you mean 'int'?");
    expect(all[1]!.message).toMatch(/input 'mode': a choice needs/);
  });

  it('refuses two exports that are the same hook and tag', async () => {
    const error = await loadError(join(broken, 'twins.js'));
    expect(error.code).toBe('E_HOOK_MODULE');
    expect(error.message).toContain("'one' and 'two'");
  });

  it('refuses names and tags uses: cannot spell', async () => {
    const { extractHooks } = await import('../../src/registry/load-hook-module.js');
    const run = () => 1;
    const attempt = (def: object) => {
      try {
        extractHooks('/x/m.js', { def });
        return undefined;
      } catch (error) {
        return (error as WfError).code;
      }
    };
    expect(attempt({ name: 'has space', run })).toBe('E_HOOK_MODULE');
    expect(attempt({ name: 'ok', tag: 'v 1', run })).toBe('E_HOOK_MODULE');
    expect(attempt({ name: 'ok', tag: 1, run })).toBe('E_HOOK_MODULE');
    expect(attempt({ name: 'ok', with: ['a'], run })).toBe('E_HOOK_MODULE');
    expect(attempt({ name: 'ok', tag: 'v1.2+b', with: { a: 'str' }, run })).toBeUndefined();
  });
});
