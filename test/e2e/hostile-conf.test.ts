import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, hasStackTrace, runWf, tmpProject } from '../helpers/index.js';

beforeAll(assertBuilt);

describe('hostile entries in conf/', { timeout: 30_000 }, () => {
  it('a FIFO, a symlink loop, a dangling link and a folder named *.yml: each reported at its entry, nothing hangs, other pipelines work', async () => {
    const dir = tmpProject({ 'conf/good.yml': 'good:\n  type: Pipeline\n  jobs:\n    j:\n      stages: [{run: touch ran}]\n' });
    const conf = join(dir, 'conf');
    execFileSync('mkfifo', [join(conf, 'fifo.yml')]);
    symlinkSync('loop-b.yml', join(conf, 'loop-a.yml'));
    symlinkSync('loop-a.yml', join(conf, 'loop-b.yml'));
    symlinkSync('missing.yml', join(conf, 'dangling.yml'));
    mkdirSync(join(conf, 'folder.yml'));
    writeFileSync(join(conf, 'folder.yml', 'inner.yml'), 'inner:\n  type: Pipeline\n  jobs:\n    j:\n      stages: [{echo: hi}]\n');
    symlinkSync('..', join(conf, 'up')); // a link back up the tree

    const run = await runWf(['run', 'good'], { cwd: dir, timeoutMs: 15_000 });
    expect(run.code, run.stderr).toBe(0);
    const v = await runWf(['validate'], { cwd: dir, timeoutMs: 15_000 });
    expect(v.code).toBe(2);
    expect(hasStackTrace(v.stderr)).toBe(false);
    expect(v.stderr).toMatch(/fifo\.yml.*E_CONF_ENTRY.*not a regular file/);
    expect(v.stderr).toMatch(/loop-a\.yml.*E_CONF_ENTRY.*symlink loop/);
    expect(v.stderr).toMatch(/dangling\.yml.*E_CONF_ENTRY.*dangling/);
    const list = await runWf(['list'], { cwd: dir, timeoutMs: 15_000 });
    expect(list.stdout).toMatch(/good/);
    expect(list.stdout).toMatch(/inner/);
  });
});

describe('control characters', () => {
  it('from a conf file are escaped in diagnostics, never sent to the terminal raw', async () => {
    const dir = tmpProject({ 'conf/p.yml': 'p:\n  type: Pipeline\n  jobs:\n    j:\n      stages: [{run: "echo \\u001b[31mred"}]\n      bogus\u001b[2J: 1\n' });
    const v = await runWf(['validate'], { cwd: dir });
    expect(v.code).toBe(2);
    expect(v.stderr).not.toContain('\u001b[2J');
    expect(v.stderr).toMatch(/\\x1b/);
  });
});

describe('hostile sizes', () => {
  it('100 MB without a newline runs in bounded memory; a 200 KB param does not break unrelated shell stages', async () => {
    const dir = tmpProject({
      'conf/p.yml': 'p:\n  type: Pipeline\n  params:\n    blob: {type: str, default: x}\n  jobs:\n    j:\n      stages:\n        - run: head -c 50000000 /dev/zero | tr "\\\\0" a\n        - run: echo unrelated > ran\n',
      'pf.json': JSON.stringify({ blob: 'b'.repeat(200_000) }),
    });
    const start = Date.now();
    const r = await runWf(['run', 'p', '--params-file', 'pf.json'], { cwd: dir, timeoutMs: 60_000 });
    expect(r.code, r.stderr.slice(-500)).toBe(0);
    expect(Date.now() - start).toBeLessThan(30_000);
    expect(readFileSync(join(dir, 'ran'), 'utf8').trim()).toBe('unrelated');
  }, 60_000);
});

describe('large maps', () => {
  it('a map of 100,000 keys validates in seconds (linear), and a duplicate key is still found and placed', async () => {
    const keys = Array.from({ length: 100_000 }, (_, i) => `    K${i}: v${i}`);
    const dir = tmpProject({ 'conf/p.yml': ['p:', '  type: Pipeline', '  env:', ...keys, '  jobs:', '    j:', '      stages: [{echo: hi}]'].join('\n') + '\n' });
    const start = Date.now();
    const v = await runWf(['validate'], { cwd: dir, timeoutMs: 60_000 });
    expect(v.code, v.stderr).toBe(0);
    expect(Date.now() - start).toBeLessThan(20_000);
    const dup = tmpProject({ 'conf/p.yml': 'p:\n  type: Pipeline\n  env:\n    A: 1\n    B: 2\n    A: 3\n  jobs:\n    j:\n      stages: [{echo: hi}]\n' });
    const d = await runWf(['validate'], { cwd: dup });
    expect(d.code).toBe(2);
    expect(d.stderr).toMatch(/conf\/p\.yml:6:5\s+E_YAML\s+Map keys must be unique/);
  }, 60_000);
});

describe('deep nesting and alias bombs', () => {
  it('10,000 levels of nesting get their own message; nested aliases are refused quickly; both placed, no crash', async () => {
    const deep = tmpProject({ 'conf/p.yml': `p:\n  type: Pipeline\n  env:\n    a: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n  jobs:\n    j:\n      stages: [{echo: hi}]\n`, 'conf/ok.yml': 'ok:\n  type: Pipeline\n  jobs:\n    j:\n      stages: [{echo: hi}]\n' });
    const d = await runWf(['validate'], { cwd: deep, timeoutMs: 20_000 });
    expect(d.code).toBe(2);
    expect(d.stderr).toMatch(/conf\/p\.yml:4:\d+\s+E_YAML\s+the YAML is nested too deeply/);
    expect(d.stderr.split('\n').every((l) => l.length < 400)).toBe(true);
    expect((await runWf(['run', 'ok'], { cwd: deep })).code).toBe(0);
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    lines.push('p:', '  type: Pipeline', '  jobs:', '    j:', '      stages: [{echo: *a8}]');
    const bomb = tmpProject({ 'conf/p.yml': lines.join('\n') + '\n' });
    const start = Date.now();
    const b = await runWf(['validate'], { cwd: bomb, timeoutMs: 20_000 });
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/E_YAML\s+too many aliases/);
    expect(Date.now() - start).toBeLessThan(10_000);
  }, 60_000);
});

describe("a hook's own output of hostile size", () => {
  it('200 MB written to stdout is cut at 1 MB with a recorded note; the run and --json stay whole', async () => {
    const dir = tmpProject({
      'hooks/loud.mjs': "export const loud = { name: 'loud', run: async () => { const mb = 'x'.repeat(1024 * 1024 - 1) + '\\n'; for (let i = 0; i < 200; i++) process.stdout.write(mb); return { done: true }; } };\n",
      'conf/p.yml': 'p:\n  type: Pipeline\n  jobs:\n    j:\n      stages:\n        - {id: l, uses: loud/loud}\n        - run: echo "after ${{ stages.l.outputs.done }}"\n',
    });
    const started = Date.now();
    const r = await runWf(['run', 'p', '--json'], { cwd: dir, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(30_000);
    const run = JSON.parse(r.stdout) as { jobs: Array<{ stages: Array<{ outputs: Record<string, unknown> }> }> };
    expect(run.jobs[0]!.stages[1]!.outputs.stdout).toBe('after true');
    const logs = JSON.parse((await runWf(['logs', 'last', '--json'], { cwd: dir })).stdout) as { logs: Array<{ text: string }> };
    const text = logs.logs.map((l) => l.text).join('\n');
    expect(text).toContain("[wf: this hook's output was truncated at 1 MB]");
    expect(text.length).toBeLessThan(1.2 * 1024 * 1024);
  }, 60_000);
});
