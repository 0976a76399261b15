import { spawnSync } from 'node:child_process';
import { chmodSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, BIN, parseJson, runWf, tmpProject, wfEnv } from '../helpers/index.js';

beforeAll(assertBuilt);

const CONF = { 'conf/p.yml': 'p:\n  type: Pipeline\n  jobs:\n    j:\n      stages:\n        - run: echo hello-from-p\n' };

async function twoRuns(): Promise<{ dir: string; ids: string[] }> {
  const dir = tmpProject(CONF);
  for (let i = 0; i < 2; i++) expect((await runWf(['run', 'p'], { cwd: dir })).code).toBe(0);
  const runs = parseJson<Array<{ run: { id: string } }>>(await runWf(['runs', '--json'], { cwd: dir }));
  return { dir, ids: runs.map((r) => r.run.id) };
}

describe('a damaged or read-only state folder', () => {
  it('one row with unparsable JSON never hides the others', async () => {
    const { dir, ids } = await twoRuns();
    const db = new Database(join(dir, '.wf', 'wf.db'));
    db.prepare('UPDATE runs SET params = ?, job_hashes = ? WHERE id = ?').run('{not json', '[[', ids[0]);
    db.prepare('UPDATE stages SET outputs = ? WHERE run_id = ?').run('{"cut', ids[0]);
    db.close();
    const table = await runWf(['runs'], { cwd: dir });
    expect(table.code, table.stderr).toBe(0);
    for (const id of ids) expect(table.stdout).toContain(id);
    const json = await runWf(['runs', '--json'], { cwd: dir });
    expect(json.code, json.stderr).toBe(0);
    expect(parseJson<unknown[]>(json)).toHaveLength(2);
    const logs = await runWf(['logs', ids[0]!], { cwd: dir });
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toContain('hello-from-p');
  });

  it('still allows wf runs and wf logs; wf run says why it cannot write', async (ctx) => {
    const { dir, ids } = await twoRuns();
    const state = join(dir, '.wf');
    // As root, permissions do not stop writes: read as the unprivileged user `nobody` instead.
    const asNobody = process.getuid?.() === 0;
    const wrap = (args: string[]): string[] => (asNobody ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, ...args] : [process.execPath, BIN, ...args]);
    const wf = (args: string[]) => {
      const [cmd, ...rest] = wrap(args);
      const r = spawnSync(cmd!, rest, { cwd: dir, env: wfEnv({ HOME: tmpdir() }), encoding: 'utf8', timeout: 20_000 });
      return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
    };
    if (asNobody) {
      chmodSync(dir, 0o755);
      if (wf(['--version']).code !== 0) ctx.skip(); // setpriv missing, or the checkout is not readable by nobody
    }
    for (const f of readdirSync(state, { recursive: true }) as string[]) {
      const p = join(state, f);
      chmodSync(p, statSync(p).isDirectory() ? 0o555 : 0o444);
    }
    chmodSync(state, 0o555);
    try {
      const runs = wf(['runs']);
      expect(runs.code, runs.stderr).toBe(0);
      for (const id of ids) expect(runs.stdout).toContain(id);
      const logs = wf(['logs', ids[0]!]);
      expect(logs.code, logs.stderr).toBe(0);
      expect(logs.stdout).toContain('hello-from-p');
      const run = wf(['run', 'p']);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/E_STORE.*\n.*read-only/);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    } finally {
      chmodSync(state, 0o755);
    }
  });
});
