import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WfError } from '../../src/errors/index.js';
import { parseUses, resolveModuleFile } from '../../src/registry/index.js';
import { fixture, tmpTree } from './helpers.js';

const basic = fixture('basic');
const resolveUses = (raw: string, roots: string[]) => resolveModuleFile(parseUses(raw), roots);

function errorOf(fn: () => unknown): WfError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(WfError);
    return error as WfError;
  }
  throw new Error('expected a WfError');
}

describe('resolveModuleFile', () => {
  it('finds every module kind', () => {
    expect(resolveUses('sales/fetch', [basic])).toBe(join(basic, 'sales.ts'));
    expect(resolveUses('shapes/area', [basic])).toBe(join(basic, 'shapes.mts'));
    expect(resolveUses('legacy/ping', [basic])).toBe(join(basic, 'legacy.js'));
    expect(resolveUses('util/echo', [basic])).toBe(join(basic, 'util.mjs'));
    expect(resolveUses('warehouse/load', [basic])).toBe(join(basic, 'warehouse', 'index.ts'));
    expect(resolveUses('deep/nested/thing/thing', [basic])).toBe(join(basic, 'deep', 'nested', 'thing.js'));
  });

  const tree = tmpTree({
    'first/shared.js': 'export {}',
    'first/both.ts': 'export {}',
    'first/both.js': 'export {}',
    'first/both/index.ts': 'export {}',
    'second/shared.js': 'export {}',
    'second/only.mjs': 'export {}',
    'outside/secret.js': 'export {}',
    'outside/dir/x.js': 'export {}',
    'first/link.js': '->outside/secret.js',
    'first/linkdir': '->outside/dir',
    'first/inner.js': '->first/shared.js',
    'first/decl.d.ts': 'export {}',
  });
  afterAll(tree.cleanup);
  const real = realpathSync(tree.dir);
  const roots = [join(tree.dir, 'first'), join(tree.dir, 'second')];

  it('takes the first root that has the module, and .ts before .js before index', () => {
    expect(resolveUses('shared/x', roots)).toBe(join(real, 'first', 'shared.js'));
    expect(resolveUses('only/x', roots)).toBe(join(real, 'second', 'only.mjs'));
    expect(resolveUses('both/x', roots)).toBe(join(real, 'first', 'both.ts'));
  });

  it('accepts a symlink that stays inside the root and returns the real path', () => {
    expect(resolveUses('inner/x', roots)).toBe(join(real, 'first', 'shared.js'));
  });

  it('refuses symlinks that lead out of the root', () => {
    expect(errorOf(() => resolveUses('link/x', roots)).code).toBe('E_REGISTRY_ESCAPE');
    expect(errorOf(() => resolveUses('linkdir/x/y', roots)).code).toBe('E_REGISTRY_ESCAPE');
  });

  it('refuses path escapes before touching the disk', () => {
    for (const raw of ['../outside/secret/x', '/etc/passwd/x', 'a/../../b/c']) {
      expect(errorOf(() => resolveUses(raw, roots)).code, raw).toBe('E_REGISTRY_ESCAPE');
    }
  });

  it('reports an unknown module with a did-you-mean over existing modules', () => {
    const error = errorOf(() => resolveUses('shred/x@v1', roots));
    expect(error.code).toBe('E_UNKNOWN_HOOK');
    expect(error.hint).toBe("did you mean 'shared'?");
    expect(errorOf(() => resolveUses('sale/fetch@v1', [basic])).hint).toBe("did you mean 'sales'?");
    expect(errorOf(() => resolveUses('decl/x', roots)).code).toBe('E_UNKNOWN_HOOK');
    expect(errorOf(() => resolveUses('x/y', [])).code).toBe('E_UNKNOWN_HOOK');
    expect(errorOf(() => resolveUses('x/y', [join(tree.dir, 'missing-root')])).code).toBe('E_UNKNOWN_HOOK');
  });
});
