import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

// A writer that edits p.yml between discovery's stat of it and its read: readFileSync, wrapped.
const race = vi.hoisted(() => ({ file: '', text: '', mtime: 0 }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const readFileSync = ((path: string, ...rest: unknown[]) => {
    if (race.file && path === race.file) {
      fs.writeFileSync(race.file, race.text);
      fs.utimesSync(race.file, race.mtime, race.mtime);
      race.file = '';
    }
    return (fs.readFileSync as (...a: unknown[]) => unknown)(path, ...rest);
  }) as typeof fs.readFileSync;
  return { ...fs, default: { ...fs, readFileSync }, readFileSync };
});

const { loadPipeline } = await import('../../src/api/run.js');

const pipeline = (text: string) => `hello:\n  type: Pipeline\n  on: [daily]\n  jobs:\n    j: {stages: [{echo: "${text}"}]}\n`;

afterEach(() => {
  race.file = '';
});

describe('the compiled-model cache, with a file edited while it is read', () => {
  // The entry trusts p.yml by its stamp and hashes s.yml (touched, same content). p.yml changes
  // after its stamp is taken: that run may use the old model, but the entry must not end up pairing
  // the old stamp with the new text's hash, or every later run would keep the old model.
  it('sees the edit on the next run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-race-'));
    const where = { conf: join(dir, 'conf'), state: join(dir, '.wf') };
    mkdirSync(where.conf);
    const p = join(where.conf, 'p.yml');
    const s = join(where.conf, 's.yml');
    const hourAgo = Math.floor(Date.now() / 1000) - 3600;
    writeFileSync(p, pipeline('version-ONE'));
    writeFileSync(s, 'daily:\n  type: On\n  cron: "0 2 * * *"\n');
    utimesSync(p, hourAgo, hourAgo);
    utimesSync(s, hourAgo, hourAgo);
    await new Promise((r) => setTimeout(r, 2100)); // ctime old enough to stamp
    await loadPipeline(where, 'hello');
    utimesSync(s, hourAgo + 1, hourAgo + 1); // a new stamp, the same content: hashed on the next hit
    await new Promise((r) => setTimeout(r, 2100)); // and then stamped again, so the entry is rewritten
    Object.assign(race, { file: p, text: pipeline('version-TWO'), mtime: hourAgo });
    await loadPipeline(where, 'hello');
    expect(race.file).toBe(''); // the writer ran
    const { pipeline: after } = await loadPipeline(where, 'hello');
    expect((after.jobs[0]!.stages[0] as { echo: unknown }).echo).toBe('version-TWO');
  });
});
