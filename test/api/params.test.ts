import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseParamPairs, resolveParams } from '../../src/api/params.js';
import { loadPipeline } from '../../src/api/run.js';
import { diagnosticsOf, WfError } from '../../src/errors/index.js';

function project(yaml: string): { conf: string; state: string } {
  const dir = mkdtempSync(join(tmpdir(), 'wf-params-'));
  mkdirSync(join(dir, 'conf'));
  writeFileSync(join(dir, 'conf', 'p.yml'), yaml);
  return { conf: join(dir, 'conf'), state: join(dir, '.wf') };
}

const PIPELINE = `
p:
  type: Pipeline
  params:
    region: str
    limit: {type: int, default: 100}
    mode: {type: choice, options: [full, delta], default: delta}
    tables: {type: array, default: [a, b]}
    day: {type: date, default: release}
    token: {type: secret}
  jobs:
    j: {stages: [{echo: hi}]}
`;

async function codes(fn: () => unknown): Promise<string[]> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof WfError) return diagnosticsOf(e).map((d) => d.code);
    throw e;
  }
  return [];
}

describe('resolveParams', () => {
  it('coerces command-line strings to the declared types and applies defaults', async () => {
    const { pipeline } = await loadPipeline(project(PIPELINE), 'p');
    const r = resolveParams(pipeline, { cli: { region: 'eu', limit: '7', tables: 'x,y', token: 'T0k' }, release: '2024-01-31T02:00:00+07:00' });
    expect(r.values).toEqual({ region: 'eu', limit: 7, mode: 'delta', tables: ['x', 'y'], day: '2024-01-31', token: 'T0k' });
    expect(r.masked.token).toBe('***');
    expect(r.secretValues).toEqual(['T0k']);
  });

  it('takes a param from WF_PARAM_<NAME> when -p does not give it, and -p wins', async () => {
    const { pipeline } = await loadPipeline(project(PIPELINE), 'p');
    const env = { WF_PARAM_REGION: 'us', WF_PARAM_TOKEN: 'from-env' };
    expect(resolveParams(pipeline, { env }).values).toMatchObject({ region: 'us', token: 'from-env' });
    expect(resolveParams(pipeline, { env, cli: { region: 'eu' } }).values.region).toBe('eu');
  });

  it('reports every missing, unknown and ill-typed param at once', async () => {
    const { pipeline } = await loadPipeline(project(PIPELINE), 'p');
    const found = await codes(() => resolveParams(pipeline, { cli: { regoin: 'eu', limit: 'ten', mode: 'half' } }));
    expect(found.sort()).toEqual(['E_PARAM_MISSING', 'E_PARAM_MISSING', 'E_PARAM_TYPE', 'E_PARAM_TYPE', 'E_PARAM_UNKNOWN']);
  });

  it('suggests the declared name for a typo and points at the declaration of a missing param', async () => {
    const { pipeline } = await loadPipeline(project(PIPELINE), 'p');
    try {
      resolveParams(pipeline, { cli: { regoin: 'eu', token: 't' } });
      expect.unreachable();
    } catch (e) {
      const [unknown, missing] = diagnosticsOf(e as WfError);
      expect(unknown!.hint).toContain("'region'");
      expect(missing!.code).toBe('E_PARAM_MISSING');
      expect(missing!.loc).toMatchObject({ line: 5, col: 5 });
    }
  });

  it('never shows a secret value in a type error', async () => {
    const { pipeline } = await loadPipeline(project(PIPELINE.replace('token: {type: secret}', 'token: {type: choice, options: [a]}')), 'p');
    expect(await codes(() => resolveParams(pipeline, { cli: { region: 'x', token: 'b' } }))).toEqual(['E_PARAM_TYPE']);
  });

  it('parses k=v pairs and rejects a pair without =', async () => {
    expect(parseParamPairs(['a=1', 'b=x=y', 'c='])).toEqual({ a: '1', b: 'x=y', c: '' });
    expect(await codes(() => parseParamPairs(['novalue']))).toEqual(['E_USAGE']);
  });
});
