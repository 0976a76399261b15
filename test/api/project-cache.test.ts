import { mkdtempSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPipeline } from '../../src/api/run.js';
import { diagnosticsOf, WfError } from '../../src/errors/index.js';

const pipeline = (greeting: string) => `
hello:
  type: Pipeline
  on: [daily]
  jobs:
    j: {stages: [{echo: "${greeting}"}]}
`;
const daily = (cron: string) => `daily:\n  type: On\n  cron: "${cron}"\n`;

/** A cache file: a checksum line, then the entry's JSON. */
const entryOf = (text: string): unknown => JSON.parse(text.slice(text.indexOf('\n') + 1));

/** The cache's one entry file. */
function entryFile(where: { state: string }): string {
  const [name] = readdirSync(join(where.state, 'cache'));
  return join(where.state, 'cache', name!);
}

const echoOf = (p: { jobs: Array<{ stages: unknown[] }> }): unknown => (p.jobs[0]!.stages[0] as { echo: unknown }).echo;

function tmp(): { conf: string; state: string } {
  const dir = mkdtempSync(join(tmpdir(), 'wf-cache-'));
  mkdirSync(join(dir, 'conf'));
  return { conf: join(dir, 'conf'), state: join(dir, '.wf') };
}

async function codesOf(p: Promise<unknown>): Promise<string[]> {
  try {
    await p;
    return [];
  } catch (e) {
    return diagnosticsOf(e as WfError).map((d) => d.code);
  }
}

describe('the compiled-model cache', () => {
  it('writes an entry on the first load and serves the same model on the next', async () => {
    const where = tmp();
    writeFileSync(join(where.conf, 'p.yml'), pipeline('hi'));
    writeFileSync(join(where.conf, 's.yml'), daily('0 2 * * *'));
    const first = await loadPipeline(where, 'hello');
    expect(readdirSync(join(where.state, 'cache'))).toHaveLength(1);
    const second = await loadPipeline(where, 'hello');
    expect(second.pipeline).toEqual(first.pipeline);
    expect(second.pipeline.on[0]!.cron).toBe('0 2 * * *');
  });

  it('sees an edit to the pipeline file and to a schedule it references', async () => {
    const where = tmp();
    writeFileSync(join(where.conf, 'p.yml'), pipeline('hi'));
    writeFileSync(join(where.conf, 's.yml'), daily('0 2 * * *'));
    await loadPipeline(where, 'hello');
    writeFileSync(join(where.conf, 'p.yml'), pipeline('changed'));
    writeFileSync(join(where.conf, 's.yml'), daily('30 4 * * *'));
    const { pipeline: p } = await loadPipeline(where, 'hello');
    expect(echoOf(p)).toBe('changed');
    expect(p.on[0]!.cron).toBe('30 4 * * *');
  });

  it('reports a mistake introduced after the model was cached', async () => {
    const where = tmp();
    writeFileSync(join(where.conf, 'p.yml'), pipeline('hi'));
    writeFileSync(join(where.conf, 's.yml'), daily('0 2 * * *'));
    await loadPipeline(where, 'hello');
    writeFileSync(join(where.conf, 's.yml'), daily('99 2 * * *'));
    expect(await codesOf(loadPipeline(where, 'hello'))).toEqual(['E_CRON']);
  });

  it('reports a duplicate name added in a new file after the model was cached', async () => {
    const where = tmp();
    writeFileSync(join(where.conf, 'p.yml'), pipeline('hi'));
    writeFileSync(join(where.conf, 's.yml'), daily('0 2 * * *'));
    await loadPipeline(where, 'hello');
    writeFileSync(join(where.conf, 'z.yml'), pipeline('again'));
    expect(await codesOf(loadPipeline(where, 'hello'))).toContain('E_DUPLICATE_NAME');
  });

  it('ignores a torn cache entry and rebuilds it', async () => {
    const where = tmp();
    writeFileSync(join(where.conf, 'p.yml'), pipeline('hi'));
    writeFileSync(join(where.conf, 's.yml'), daily('0 2 * * *'));
    await loadPipeline(where, 'hello');
    const [entry] = readdirSync(join(where.state, 'cache'));
    writeFileSync(join(where.state, 'cache', entry!), '{"format":1,"files":');
    const { pipeline: p } = await loadPipeline(where, 'hello');
    expect(p.name).toBe('hello');
  });

  it('sees a same-size edit made right after the model was cached', async () => {
    const where = tmp();
    writeFileSync(join(where.conf, 'p.yml'), pipeline('aa'));
    writeFileSync(join(where.conf, 's.yml'), daily('0 2 * * *'));
    await loadPipeline(where, 'hello');
    writeFileSync(join(where.conf, 'p.yml'), pipeline('bb'));
    const { pipeline: p } = await loadPipeline(where, 'hello');
    expect(echoOf(p)).toBe('bb');
  });

  // A file's stamp (size, mtime, ctime, inode) stands for its content once the file is older than
  // the time granularity; an edit that keeps the size and puts the old mtime back still changes ctime.
  it('trusts an old file by its stamp, and still sees a same-size edit whose mtime was put back', async () => {
    const where = tmp();
    const file = join(where.conf, 'p.yml');
    writeFileSync(file, pipeline('aa'));
    const hourAgo = Math.floor(Date.now() / 1000) - 3600; // whole seconds: utimes puts it back exactly
    utimesSync(file, hourAgo, hourAgo);
    writeFileSync(join(where.conf, 's.yml'), daily('0 2 * * *'));
    await new Promise((r) => setTimeout(r, 2100));
    await loadPipeline(where, 'hello');
    const entry = entryOf(readFileSync(entryFile(where), 'utf8')) as { files: Record<string, { stamp: string | null }> };
    expect(Object.values(entry.files).map((m) => m.stamp !== null)).toEqual([true, true]);
    const before = statSync(file);
    writeFileSync(file, pipeline('bb'));
    utimesSync(file, hourAgo, hourAgo);
    expect([statSync(file).size, statSync(file).mtimeMs, statSync(file).ino]).toEqual([before.size, before.mtimeMs, before.ino]);
    const { pipeline: p } = await loadPipeline(where, 'hello');
    expect(echoOf(p)).toBe('bb');
  });

  it('stamps a file that was new when cached once it is old enough, keeping the model', async () => {
    const where = tmp();
    writeFileSync(join(where.conf, 'p.yml'), pipeline('hi'));
    writeFileSync(join(where.conf, 's.yml'), daily('0 2 * * *'));
    const first = await loadPipeline(where, 'hello');
    const read = () => entryOf(readFileSync(entryFile(where), 'utf8')) as { files: Record<string, { stamp: string | null }>; pipelines: unknown };
    expect(Object.values(read().files).map((m) => m.stamp)).toEqual([null, null]);
    await new Promise((r) => setTimeout(r, 2100));
    const second = await loadPipeline(where, 'hello');
    expect(second.pipeline).toEqual(first.pipeline);
    expect(Object.values(read().files).every((m) => m.stamp !== null)).toBe(true);
  });

  it('caches no entry for a pipeline that is not there, so it runs once it is written', async () => {
    const where = tmp();
    writeFileSync(join(where.conf, 'p.yml'), pipeline('hi'));
    writeFileSync(join(where.conf, 's.yml'), daily('0 2 * * *'));
    expect(await codesOf(loadPipeline(where, 'q'))).toEqual(['E_UNKNOWN_TEMPLATE']);
    writeFileSync(join(where.conf, 'q.yml'), 'q:\n  type: Pipeline\n  jobs:\n    j: {stages: [{echo: "from q"}]}\n');
    const { pipeline: q } = await loadPipeline(where, 'q');
    expect(echoOf(q)).toBe('from q');
  });

  it('rebuilds an entry edited by hand (its checksum line no longer matches)', async () => {
    const where = tmp();
    writeFileSync(join(where.conf, 'p.yml'), pipeline('from the conf'));
    writeFileSync(join(where.conf, 's.yml'), daily('0 2 * * *'));
    await loadPipeline(where, 'hello');
    const file = entryFile(where);
    writeFileSync(file, readFileSync(file, 'utf8').replace('from the conf', 'TAMPERED!!!!!'));
    const { pipeline: p } = await loadPipeline(where, 'hello');
    expect(echoOf(p)).toBe('from the conf');
  });
});
