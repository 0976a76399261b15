import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { STORE_FILE, openStore } from '../../src/store/index.js';
import { tmpDir } from './helpers.js';

const WRITER = fileURLToPath(new URL('./fixtures/writer.ts', import.meta.url));
const ROOT = path.resolve(path.dirname(WRITER), '../../..');
const STAGES = 200;

/** Starts the writer, lets it commit at least one batch, then SIGKILLs it after `delayMs`. */
async function writeThenKill(dir: string, tag: string, delayMs: number): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dir, tag, String(STAGES)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = once(child, 'exit');
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
    child.on('exit', (code) => reject(new Error(`writer exited early (${code}): ${stderr}`)));
  });
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  child.kill('SIGKILL');
  const [code, signal] = await exited;
  expect({ code, signal, stderr }).toEqual({ code: null, signal: 'SIGKILL', stderr: '' });
}

describe('a writer killed mid-write', () => {
  it('leaves a readable store where every batch is all or nothing', { timeout: 60_000 }, async () => {
    const dir = tmpDir();
    for (const [round, tag] of ['a', 'b', 'c', 'd'].entries()) {
      await writeThenKill(dir, tag, 5 + Math.floor(Math.random() * 150));

      const raw = new Database(path.join(dir, STORE_FILE), { readonly: true });
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
      raw.close();

      const store = openStore(dir);
      try {
        const runs = store.listRuns({ pipeline: 'atomic', limit: Infinity }).filter((r) => r.id.startsWith(`${tag}-`));
        expect(runs.length).toBeGreaterThan(0);
        const sorted = runs.map((r) => r.id).sort();
        const last = sorted[sorted.length - 1];
        for (const r of runs) {
          const stages = store.getStages(r.id);
          expect(stages.map((s) => s.path)).toEqual(Array.from({ length: STAGES }, (_, i) => String(i)));
          expect(store.getLogs(r.id)).toHaveLength(STAGES);
          const [job] = store.getJobs(r.id);
          // Run k-1 is finished by the same batch that writes run k: only the newest is still running.
          const expected = r.id === last ? 'running' : 'success';
          expect([r.status, job.status]).toEqual([expected, expected]);
        }
        expect(sorted).toEqual(sorted.map((_, k) => `${tag}-${String(k).padStart(6, '0')}`));
        // On the next start, the run the dead writer owned is marked interrupted, and only it.
        expect(store.markInterrupted().ids).toEqual([last]);
        expect(store.getJobs(last)[0].status).toBe('interrupted');
        expect(store.listRuns({ pipeline: 'atomic', status: 'interrupted', limit: Infinity })).toHaveLength(round + 1);
      } finally {
        store.close();
      }
    }
  });
});
