import { describe, expect, it } from 'vitest';
import { WfError } from '../../src/errors/index.js';
import { resolveHook } from '../../src/registry/index.js';
import { fixture } from './helpers.js';

const roots = [fixture('basic')];

async function failure(raw: string): Promise<WfError> {
  const error = await resolveHook(raw, roots).then(() => undefined, (e: unknown) => e);
  expect(error, raw).toBeInstanceOf(WfError);
  return error as WfError;
}

describe('resolveHook', () => {
  it('selects an explicit tag', async () => {
    expect(await resolveHook('sales/fetch@v1', roots)).toMatchObject({ name: 'fetch', tag: 'v1', exportName: 'fetchV1' });
    expect(await resolveHook('sales/fetch@v2', roots)).toMatchObject({ name: 'fetch', tag: 'v2', exportName: 'fetchV2' });
    expect(await resolveHook('sales/report@v1', roots)).toMatchObject({ exportName: 'reportV1' });
  });

  it('without a tag takes the only hook of that name, tagged or not', async () => {
    expect(await resolveHook('sales/load', roots)).toMatchObject({ name: 'load', tag: null });
    expect(await resolveHook('util/echo', roots)).toMatchObject({ name: 'echo', tag: 'v1' });
  });

  it("without a tag takes the one tagged 'latest' among several", async () => {
    expect(await resolveHook('sales/report', roots)).toMatchObject({ tag: 'latest', exportName: 'reportLatest' });
  });

  it('refuses an ambiguous reference and lists the tags', async () => {
    const error = await failure('sales/fetch');
    expect(error.code).toBe('E_UNKNOWN_HOOK');
    expect(error.message).toContain("'sales/fetch@v1', 'sales/fetch@v2'");
    expect(error.hint).toContain('latest');
  });

  it('reports an unknown tag with the tags that exist', async () => {
    const error = await failure('sales/fetch@v3');
    expect(error.code).toBe('E_UNKNOWN_HOOK');
    expect(error.hint).toMatch(/sales\/fetch@v[12]/);
    expect((await failure('sales/load@v1')).code).toBe('E_UNKNOWN_HOOK');
  });

  it('reports an unknown hook with a did-you-mean over module/name@tag', async () => {
    const error = await failure('sales/fecth@v1');
    expect(error.code).toBe('E_UNKNOWN_HOOK');
    expect(error.hint).toBe("did you mean 'sales/fetch@v1'?");
    expect((await failure('legacy/pong')).hint).toBe("did you mean 'legacy/ping'?");
  });

  it('reports an unknown module, a bad form and an escape with their codes', async () => {
    expect((await failure('sails/fetch@v1')).code).toBe('E_UNKNOWN_HOOK');
    expect((await failure('sails/fetch@v1')).hint).toBe("did you mean 'sales'?");
    expect((await failure('fetch@v1')).code).toBe('E_TYPE');
    expect((await failure('../basic/sales/fetch@v1')).code).toBe('E_REGISTRY_ESCAPE');
  });

  it('surfaces a broken module as E_HOOK_MODULE', async () => {
    const error = await resolveHook('throws/never', [fixture('broken')]).then(() => undefined, (e: unknown) => e);
    expect((error as WfError).code).toBe('E_HOOK_MODULE');
  });
});
