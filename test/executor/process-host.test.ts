import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { KILL_GRACE_MS, ProcessHost } from '../../src/executor/process-host.js';
import { alive } from '../helpers/processes.js';

const bash = (script: string) => ({ cmd: 'bash', args: ['-c', script], env: { PATH: process.env.PATH ?? '' } });

describe('ProcessHost', () => {
  it('streams output and reports the exit code', async () => {
    const host = new ProcessHost();
    const out: string[] = [];
    const exit = await host.spawn(bash('echo hi; echo err >&2; exit 3'), { onData: (s, d) => out.push(`${s}:${d}`) });
    expect(exit).toEqual({ code: 3, signal: null });
    expect(out.sort()).toEqual(['stderr:err\n', 'stdout:hi\n']);
    expect(host.running).toBe(0);
  });

  it('kills what a script left running in its group when the script exits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-host-'));
    const host = new ProcessHost();
    const start = Date.now();
    const exit = await host.spawn(bash(`sleep 30 & echo $! > ${dir}/pid`), { onData: () => {} });
    expect(exit.code).toBe(0);
    expect(Date.now() - start).toBeLessThan(2000);
    const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
    await sleep(50);
    expect(alive(pid)).toBe(false);
  });

  it('on abort sends SIGTERM to the group, and SIGKILL after the grace to what ignores it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-host-'));
    const host = new ProcessHost();
    const ac = new AbortController();
    const p = host.spawn(bash(`trap '' TERM; (trap '' TERM; sleep 30) & echo $! > ${dir}/pid; wait`), { onData: () => {}, signal: ac.signal });
    await sleep(300);
    const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
    const sent = Date.now();
    ac.abort();
    const exit = await p;
    expect(exit.signal).toBe('SIGKILL');
    expect(Date.now() - sent).toBeGreaterThanOrEqual(KILL_GRACE_MS - 100);
    expect(Date.now() - sent).toBeLessThan(KILL_GRACE_MS + 2000);
    await sleep(50);
    expect(alive(pid)).toBe(false);
  });

  it('records each group before it can be lost, and kills it when it cannot be recorded', async () => {
    const host = new ProcessHost();
    const seen: string[] = [];
    const exit = await host.spawn(bash('exit 0'), { onData: () => {}, onStart: (pid) => seen.push(`start ${pid > 0}`), onEnd: () => seen.push('end') });
    expect(exit.code).toBe(0);
    expect(seen).toEqual(['start true', 'end']);
    const refused = await host.spawn(bash('sleep 30'), { onData: () => {}, onStart: () => { throw new Error('disk full'); } });
    expect(refused.error).toMatch(/not started: disk full/);
    expect(host.running).toBe(0);
  });
});
