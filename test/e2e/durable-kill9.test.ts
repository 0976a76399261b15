import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { alive, assertBuilt, readRuns, runWf, startWf, tmpProject } from '../helpers/index.js';

beforeAll(assertBuilt);

// Jobs that print, write outputs, and leave background processes whose pids they record.
const CONF = `
busy:
  type: Pipeline
  jobs:
    a:
      stages:
        - id: one
          run: echo "v=a1" >> "$WF_OUTPUT"
        - id: two
          run: |
            sleep 20 & echo $! > pids/a.$RANDOM
            echo "w=a2" >> "$WF_OUTPUT"
            sleep 0.05
        - run: sleep 0.1
    b:
      stages:
        - run: |
            sleep 20 & echo $! > pids/b.$RANDOM
            wait
    c:
      needs: [a]
      stages:
        - id: three
          run: echo "v=c1" >> "$WF_OUTPUT"
        - run: sleep 0.2
        - id: four
          run: |
            sleep 20 & echo $! > pids/c.$RANDOM
            echo "x=c3" >> "$WF_OUTPUT"
`;

/** `[job] ✓ name` lines: the stages wf showed as done. */
function printedDone(stdout: string): Array<{ job: string; name: string }> {
  return [...stdout.matchAll(/^\[([^\]]+)\] ✓ (.+?) \d+(?:\.\d+)?m?s/gm)].map((m) => ({ job: m[1]!, name: m[2]! })).filter((x) => !x.name.startsWith('job '));
}

describe('kill -9 of wf run at random instants', () => {
  it('never loses a printed ✓, leaves no running rows, and the next command kills what the run left', async () => {
    const dir = tmpProject({ 'conf/p.yml': CONF, 'pids/.keep': '' });
    const trials = 30;
    let sawDone = 0;
    for (let t = 0; t < trials; t++) {
      const { child, done } = startWf(['run', 'busy'], { cwd: dir, timeoutMs: 20_000 });
      let stdout = '';
      child.stdout!.on('data', (b: Buffer) => (stdout += b.toString()));
      await sleep(60 + Math.floor(Math.random() * 450));
      child.kill('SIGKILL');
      await done;

      // The next wf command (a read of history) opens the store and recovers.
      const runs = await runWf(['runs', '--json', '-n', '1'], { cwd: dir });
      expect(runs.code, runs.stderr).toBe(0);
      const all = existsSync(join(dir, '.wf', 'wf.db')) ? readRuns(join(dir, '.wf')) : [];
      for (const r of all) {
        expect(['interrupted', 'success']).toContain(r.run.status);
        for (const j of r.jobs) expect(j.status).not.toBe('running');
        for (const s of r.stages) expect(s.status).not.toBe('running');
      }
      const id = /run (\w{16})/.exec(stdout)?.[1];
      const stored = all.find((r) => r.run.id === id);
      if (id) expect(stored, `run ${id} was printed but is not in the store`).toBeDefined();
      for (const p of stored ? printedDone(stdout) : []) {
        const st = stored!.stages.find((s) => s.jobKey === p.job && s.name === p.name);
        expect(st?.status, `printed ✓ ${p.job}/${p.name} but stored ${st?.status}`).toBe('success');
        expect(st?.outputs).not.toBeNull();
        sawDone++;
      }
      for (const f of readdirSync(join(dir, 'pids'))) {
        if (f === '.keep') continue;
        const pid = Number(readFileSync(join(dir, 'pids', f), 'utf8'));
        if (!pid) continue;
        let gone = !alive(pid);
        for (let i = 0; i < 40 && !gone; i++) {
          await sleep(25);
          gone = !alive(pid);
        }
        expect(gone, `pid ${pid} (${f}) of an interrupted run is still alive`).toBe(true);
      }
    }
    expect(sawDone).toBeGreaterThan(0);
    expect(existsSync(join(dir, '.wf', 'wf.db'))).toBe(true);
  }, 90_000);
});
