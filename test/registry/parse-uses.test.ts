import { describe, expect, it } from 'vitest';
import { parseUses } from '../../src/registry/index.js';
import { WfError } from '../../src/errors/index.js';

function codeOf(raw: string): string | undefined {
  try {
    parseUses(raw);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(WfError);
    return (error as WfError).code;
  }
}

describe('parseUses', () => {
  it('splits module, hook and tag', () => {
    expect(parseUses('sales/fetch@v1')).toEqual({ module: 'sales', hook: 'fetch', tag: 'v1', raw: 'sales/fetch@v1' });
    expect(parseUses('sales/fetch')).toEqual({ module: 'sales', hook: 'fetch', raw: 'sales/fetch' });
    expect(parseUses('team/etl/load.v2@1.2.0-rc.1')).toEqual({ module: 'team/etl', hook: 'load.v2', tag: '1.2.0-rc.1', raw: 'team/etl/load.v2@1.2.0-rc.1' });
  });

  it('refuses malformed references with E_TYPE and shows the form', () => {
    for (const raw of ['', 'fetch', 'fetch@v1', 'sales/fetch@', 'sales/fetch@v1@v2', 'sales/fe tch', 'sales/$x', '-a/b']) {
      expect(codeOf(raw), raw).toBe('E_TYPE');
    }
    try {
      parseUses('fetch@v1');
    } catch (error) {
      expect((error as WfError).hint).toContain('module/hook@tag');
    }
  });

  it('refuses path tricks with E_REGISTRY_ESCAPE', () => {
    for (const raw of ['../x/y', '/etc/passwd/x', 'a/../../b/c', 'a/./b', 'a//b', 'a/b/', 'C:/x/y', 'c:x/y', 'a\\..\\b/c', '..', 'a/..']) {
      expect(codeOf(raw), raw).toBe('E_REGISTRY_ESCAPE');
    }
  });
});
