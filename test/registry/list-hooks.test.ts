import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listHooks, type BrokenModule, type ListedHook } from '../../src/registry/index.js';
import { fixture, tmpTree } from './helpers.js';

const isBroken = (e: ListedHook | BrokenModule): e is BrokenModule => 'error' in e;

describe('listHooks', () => {
  it('lists every hook of every module at any depth', async () => {
    const entries = await listHooks([fixture('basic')]);
    expect(entries.filter(isBroken)).toEqual([]);
    expect(entries.map((e) => (e as ListedHook).uses)).toEqual([
      'deep/nested/thing/thing@v1',
      'legacy/ping',
      'sales/fetch@v1',
      'sales/fetch@v2',
      'sales/load',
      'sales/report@latest',
      'sales/report@v1',
      'shapes/area@v1',
      'util/echo@v1',
      'warehouse/load@v1',
    ]);
    const fetch = entries.find((e) => !isBroken(e) && e.uses === 'sales/fetch@v1') as ListedHook;
    expect(fetch).toMatchObject({ module: 'sales', name: 'fetch', tag: 'v1', desc: 'Fetch one table of one region', file: join(fixture('basic'), 'sales.ts') });
    expect(fetch.inputs.limit).toEqual({ type: 'int', default: 1000, required: false });
  });

  it('lists a broken module with its error instead of throwing', async () => {
    const entries = await listHooks([fixture('broken')]);
    expect(entries.filter((e) => !isBroken(e)).map((e) => (e as ListedHook).uses)).toEqual(['ok/fine@v1']);
    const broken = entries.filter(isBroken).map((e) => [e.file.slice(fixture('broken').length + 1), e.error.code]);
    // bad-with.js has two problems (an unknown type, a choice without options): one entry each.
    expect(broken).toEqual([
      ['bad-with.js', 'E_HOOK_MODULE'],
      ['bad-with.js', 'E_HOOK_MODULE'],
      ['missing-dep.mjs', 'E_HOOK_MODULE'],
      ['syntax.ts', 'E_HOOK_MODULE'],
      ['throws.ts', 'E_HOOK_MODULE'],
      ['twins.js', 'E_HOOK_MODULE'],
    ]);
  });

  const tree = tmpTree({
    'a/shared.mjs': 'export const one = { name: "one", run: () => 1 };',
    'b/shared.mjs': 'export const two = { name: "two", run: () => 2 };',
    'b/extra/index.mjs': 'export const x = { name: "x", tag: "v1", run: () => 0 };',
    'b/.hidden/h.mjs': 'export const h = { name: "h", run: () => 0 };',
    'b/index.mjs': 'export const root = { name: "root", run: () => 0 };',
    'out/far.mjs': 'export const far = { name: "far", run: () => 0 };',
    'b/far.mjs': '->out/far.mjs',
    'b/loop': '->b',
  });
  afterAll(tree.cleanup);

  it('follows roots in order, skips shadowed modules, dot-folders, a root index and symlink loops, flags escapes', async () => {
    const entries = await listHooks([join(tree.dir, 'a'), join(tree.dir, 'b')]);
    expect(entries.filter((e) => !isBroken(e)).map((e) => (e as ListedHook).uses)).toEqual(['extra/x@v1', 'shared/one']);
    const broken = entries.filter(isBroken);
    expect(broken.map((e) => [e.file, e.error.code])).toEqual([[join(tree.dir, 'b', 'far.mjs'), 'E_REGISTRY_ESCAPE']]);
  });
});
