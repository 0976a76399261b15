import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { resolveHook, validateWith } from '../../src/registry/index.js';
import { FIXTURES, fixture, makeContext } from './helpers.js';

const dist = resolve(FIXTURES, '../../../dist');
const built = existsSync(resolve(dist, 'index.js')) && existsSync(resolve(dist, 'registry/index.js'));

describe('running a hook', () => {
  it('validates with:, runs the hook with a context and returns its object', async () => {
    const hook = await resolveHook('sales/fetch@v1', [fixture('basic')]);
    const { value, problems } = validateWith(hook, { region: 'eu', table: 'orders', limit: '5' });
    expect(problems).toEqual([]);
    const { ctx, logs } = makeContext({ id: 'run-42' });
    const result = (await hook.run(value, ctx)) as Record<string, unknown>;
    expect(result).toMatchObject({ rows: 5, region: 'eu', table: 'orders', runId: 'run-42' });
    expect(logs).toEqual(['fetching orders for eu']);
  });

  it('runs a .mts hook on coerced inputs', async () => {
    const hook = await resolveHook('shapes/area@v1', [fixture('basic')]);
    const { value } = validateWith(hook, { shape: 'square', size: '1.5' });
    expect(await hook.run(value, makeContext().ctx)).toEqual({ area: 2.25 });
  });

  // The one fixture that imports 'wf-runner' by name: it resolves to the BUILT dist/ (npm run build).
  it.skipIf(!built)("runs a hook that imports defineHook from 'wf-runner'", async () => {
    const hook = await resolveHook('greet/greet', [fixture('self-ref')]);
    expect(hook).toMatchObject({ name: 'greet', tag: 'v1', exportName: 'greet' });
    const { value } = validateWith(hook, { who: 'Ada' });
    const { ctx, logs } = makeContext({ pipeline: 'hello-world' });
    expect(await hook.run(value, ctx)).toEqual({ message: 'hello Ada!', pipeline: 'hello-world' });
    expect(logs).toEqual(['greeting Ada']);
  });

  it.skipIf(!built)('loads and runs .ts hooks inside worker threads (built dist/)', async () => {
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      (async () => {
        const { resolveHook, validateWith } = await import(workerData.registry);
        const out = [];
        for (const [uses, roots, args] of workerData.calls) {
          const hook = await resolveHook(uses, roots);
          const logs = [];
          const ctx = { log: (m) => logs.push(m), signal: new AbortController().signal, secrets: {},
            run: { id: 'w', pipeline: 'p', job: 'j', stage: 's', attempt: 1, release: null } };
          out.push({ result: await hook.run(validateWith(hook, args).value, ctx), logs });
        }
        parentPort.postMessage(out);
      })().catch((e) => parentPort.postMessage({ error: String(e && e.message) }));`;
    const workerData = {
      registry: pathToFileURL(resolve(dist, 'registry/index.js')).href,
      calls: [
        ['warehouse/load@v1', [fixture('basic')], { table: 't' }],
        ['greet/greet', [fixture('self-ref')], { who: 'worker' }],
      ],
    };
    const runOnce = () =>
      new Promise<unknown>((done, fail) => {
        const worker = new Worker(code, { eval: true, workerData });
        worker.once('message', (m) => void worker.terminate().then(() => done(m)));
        worker.once('error', fail);
      });
    const expected = [
      { result: { sql: 'INSERT INTO t /* 0 rows */', columns: ['id'] }, logs: [] },
      { result: { message: 'hello worker!', pipeline: 'p' }, logs: ['greeting worker'] },
    ];
    const [a, b] = await Promise.all([runOnce(), runOnce()]);
    expect(a).toEqual(expected);
    expect(b).toEqual(expected);
  });
});
