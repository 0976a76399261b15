import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { elfInterpreter, nativeSpawner, wholeElf } from '../../src/executor/native-spawn.js';
import { KILL_GRACE_MS, ProcessHost } from '../../src/executor/process-host.js';
import { alive } from '../helpers/processes.js';

/** Where posix_spawn is used: Linux with glibc, x64 or arm64. */
const glibcLinux =
  process.platform === 'linux' && ['x64', 'arm64'].includes(process.arch) && !!(process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime;
/** Where npm puts koffi's prebuilt glibc addon, under a node_modules folder. */
const koffiAddon = join('@koromix', `koffi-linux-${process.arch}`, `linux_${process.arch}`, 'koffi.node');

const bash = (script: string) => ({ cmd: 'bash', args: ['-c', script], env: { PATH: process.env.PATH ?? '' } });

it('uses posix_spawn on Linux with glibc (x64, arm64)', () => {
  if (glibcLinux) expect(nativeSpawner()).not.toBeNull();
});

it("loads koffi's prebuilt addon directly, without koffi's own loader (~8 ms)", () => {
  if (!glibcLinux) return;
  expect(nativeSpawner()).not.toBeNull();
  const loaded = Object.keys(createRequire(import.meta.url).cache);
  expect(loaded.filter((file) => /[\\/]koffi[\\/]/.test(file))).toEqual([]);
});

describe("koffi's addon on a damaged install", () => {
  const addon = join(process.cwd(), 'node_modules', koffiAddon);

  /** A copy of the built native-spawn module beside a node_modules holding koffi's package.json and the given addon bytes. */
  function layout(bytes: Buffer): string {
    const root = mkdtempSync(join(tmpdir(), 'wf-koffi-'));
    mkdirSync(join(root, 'dist', 'executor'), { recursive: true });
    copyFileSync(join(process.cwd(), 'dist', 'executor', 'native-spawn.js'), join(root, 'dist', 'executor', 'native-spawn.js'));
    mkdirSync(join(root, 'node_modules', 'koffi'), { recursive: true });
    copyFileSync(join(process.cwd(), 'node_modules', 'koffi', 'package.json'), join(root, 'node_modules', 'koffi', 'package.json'));
    const file = join(root, 'node_modules', koffiAddon);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, bytes);
    return root;
  }

  const spawnerIn = (root: string) =>
    spawnSync(process.execPath, ['--input-type=module', '-e', `import { nativeSpawner } from ${JSON.stringify(pathToFileURL(join(root, 'dist', 'executor', 'native-spawn.js')).href)}; console.log(nativeSpawner() ? 'native' : 'fallback');`], { encoding: 'utf8' });

  it.runIf(glibcLinux)('loads a whole addon, and falls back to child_process for a cut one instead of dying of SIGBUS', () => {
    const whole = readFileSync(addon);
    const ok = spawnerIn(layout(whole));
    expect([ok.status, ok.signal, ok.stdout.trim()]).toEqual([0, null, 'native']);
    for (const size of [4096, whole.length >> 1, whole.length - 1000]) {
      const cut = spawnerIn(layout(whole.subarray(0, size)));
      expect([cut.status, cut.signal, cut.stdout.trim()]).toEqual([0, null, 'fallback']);
    }
    expect(wholeElf(addon)).toBe(true);
    expect(wholeElf('/etc/hostname')).toBe(false);
    expect(elfInterpreter(process.execPath)).toMatch(/\/ld-linux[^/]*$/);
  });
});

describe.each([
  ['posix_spawn', true],
  ['child_process', false],
])('ProcessHost (%s)', (_name, native) => {
  const newHost = () => {
    if (native) nativeSpawner();
    return new ProcessHost({ native });
  };

  it('streams output and reports the exit code', async () => {
    const host = newHost();
    const out: string[] = [];
    const exit = await host.spawn(bash('echo hi; echo err >&2; exit 3'), { onData: (s, d) => out.push(`${s}:${d}`) });
    expect(exit).toEqual({ code: 3, signal: null });
    expect(out.sort()).toEqual(['stderr:err\n', 'stdout:hi\n']);
    expect(host.running).toBe(0);
  });

  it('gives all of its output, in order per stream, whether it ends at once, writes more than a pipe holds, or runs on', async () => {
    const host = newHost();
    const text = (script: string) => {
      const got = { stdout: '', stderr: '' };
      return host.spawn(bash(script), { onData: (s, d) => (got[s] += d) }).then((exit) => ({ exit, ...got }));
    };
    // Ends at once, with both streams written.
    expect(await text('printf "a\\nb\\n"; printf "e1\\n" >&2; printf c')).toEqual({ exit: { code: 0, signal: null }, stdout: 'a\nb\nc', stderr: 'e1\n' });
    // 300 KB of two-byte characters (é), which no pipe holds: nothing lost, none cut in two.
    const big = await text('head -c 300000 /dev/zero | tr "\\0" x | sed "s/x/é/g"; echo; echo done >&2');
    expect(big.exit.code).toBe(0);
    expect(big.stdout).toBe(`${'é'.repeat(300000)}\n`);
    expect(big.stderr).toBe('done\n');
    // Runs on after its first line: that line is there before it ends.
    let firstAt = 0;
    const started = Date.now();
    const exit = await host.spawn(bash('echo first; sleep 0.4; echo second'), { onData: (_s, d) => { if (d.includes('first') && !firstAt) firstAt = Date.now(); } });
    expect(exit.code).toBe(0);
    expect(firstAt - started).toBeLessThan(300);
    expect(firstAt).toBeGreaterThan(0);
  });

  it('kills what a script left running in its group when the script exits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-host-'));
    const host = newHost();
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
    const host = newHost();
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
    const host = newHost();
    const seen: string[] = [];
    const exit = await host.spawn(bash('exit 0'), { onData: () => {}, onStart: (pid) => seen.push(`start ${pid > 0}`), onEnd: () => seen.push('end') });
    expect(exit.code).toBe(0);
    expect(seen).toEqual(['start true', 'end']);
    const refused = await host.spawn(bash('sleep 30'), { onData: () => {}, onStart: () => { throw new Error('disk full'); } });
    expect(refused.error).toMatch(/not started: disk full/);
    expect(host.running).toBe(0);
  });

  it('reports a signal, a missing command, and finds commands on the PATH given in env', async () => {
    const host = newHost();
    expect(await host.spawn(bash('kill -USR1 $$'), { onData: () => {} })).toEqual({ code: null, signal: 'SIGUSR1' });
    const missing = await host.spawn({ cmd: 'no-such-command-wf', args: [], env: { PATH: process.env.PATH ?? '' } }, { onData: () => {} });
    expect(missing.error).toMatch(/ENOENT/);
    const dir = mkdtempSync(join(tmpdir(), 'wf-host-'));
    writeFileSync(join(dir, 'mytool'), '#!/bin/sh\necho "tool $1"\n', { mode: 0o755 });
    const out: string[] = [];
    const exit = await host.spawn({ cmd: 'mytool', args: ['ran'], env: { PATH: `${dir}:${process.env.PATH}` } }, { onData: (_s, d) => out.push(d) });
    expect(exit.code).toBe(0);
    expect(out.join('')).toBe('tool ran\n');
    expect(host.running).toBe(0);
  });

  it('gives the child stdin from /dev/null, its own session, default signals, and the cwd asked for', async () => {
    const host = newHost();
    const dir = mkdtempSync(join(tmpdir(), 'wf-host-'));
    const out: string[] = [];
    // `yes | head -1` only ends if SIGPIPE is at its default (Node itself ignores it).
    const script = 'cat; echo "sid=$(ps -o sid= $$ | tr -d \' \') pid=$$"; yes | head -1; pwd';
    const exit = await host.spawn({ ...bash(script), cwd: dir }, { onData: (_s, d) => out.push(d) });
    expect(exit.code).toBe(0);
    const [session, y, cwd] = out.join('').trim().split('\n');
    const m = /^sid=(\d+) pid=(\d+)$/.exec(session!);
    expect(m?.[1]).toBe(m?.[2]);
    expect(y).toBe('y');
    expect(cwd).toBe(dir);
  });

  it('killAll on a forced exit also stops processes whose start is still under way', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-host-'));
    const marker = `wf-starting-${process.pid}-${native}`;
    // A process that starts 40 stages and exits at once, the way process.on('exit') runs killAll.
    const script = `
      import { nativeSpawner } from ${JSON.stringify(new URL('../../dist/executor/native-spawn.js', import.meta.url).href)};
      import { ProcessHost } from ${JSON.stringify(new URL('../../dist/executor/process-host.js', import.meta.url).href)};
      if (${native}) nativeSpawner();
      const host = new ProcessHost({ native: ${native} });
      for (let i = 0; i < 40; i++) host.spawn({ cmd: 'bash', args: ['-c', 'exec -a ${marker} sleep 30'], env: { PATH: process.env.PATH } }, { onData() {} });
      process.on('exit', () => host.killAll());
      setImmediate(() => process.exit(0));
    `;
    writeFileSync(join(dir, 'start.mjs'), script);
    const r = spawnSync(process.execPath, [join(dir, 'start.mjs')], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    await sleep(200);
    const left = spawnSync('pgrep', ['-f', marker], { encoding: 'utf8' }).stdout.trim();
    if (left) spawnSync('pkill', ['-9', '-f', marker]);
    expect(left).toBe('');
  });

  it('kills what a script left in its group even when the script exits at once, many at a time', async () => {
    const host = newHost();
    const marker = `wf-left-${process.pid}-${native}`;
    const start = Date.now();
    const exits = await Promise.all(
      Array.from({ length: 20 }, () => host.spawn(bash(`(exec -a ${marker} sleep 30) >/dev/null 2>&1 & exit 0`), { onData: () => {} })),
    );
    expect(exits.every((e) => e.code === 0)).toBe(true);
    expect(Date.now() - start).toBeLessThan(10_000);
    await sleep(200);
    const left = spawnSync('pgrep', ['-f', marker], { encoding: 'utf8' }).stdout.trim();
    if (left) spawnSync('pkill', ['-9', '-f', marker]);
    expect(left).toBe('');
  });
});
