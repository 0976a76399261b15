import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { plainCommand } from '../../src/executor/stages/direct-exec.js';
import { assertBuilt, runWf, tmpProject } from '../helpers/index.js';

beforeAll(assertBuilt);
vi.setConfig({ testTimeout: 30_000 });

/**
 * A project whose PATH starts with a `bash` that notes each script it is given in bash.log and
 * then runs the real bash: the log tells which stages went through bash.
 */
function project(stages: string, files: Record<string, string> = {}): string {
  const dir = tmpProject({ ...files, 'conf/p.yml': `p:\n  type: Pipeline\n  jobs:\n    j:\n      stages:\n${stages}` });
  const realBash = ['/usr/bin/bash', '/bin/bash'].find((b) => existsSync(b))!;
  writeFileSync(join(dir, 'fakebin-bash'), `#!/bin/sh\nfor a; do last="$a"; done\nprintf '%s\\n' "$last" >> "${dir}/bash.log"\nexec ${realBash} "$@"\n`);
  chmodSync(join(dir, 'fakebin-bash'), 0o755);
  for (const f of Object.keys(files)) if (f.endsWith('.sh')) chmodSync(join(dir, f), 0o755);
  return dir;
}

async function run(dir: string) {
  const bin = join(dir, 'bin');
  const { mkdirSync, renameSync } = await import('node:fs');
  mkdirSync(bin, { recursive: true });
  if (existsSync(join(dir, 'fakebin-bash'))) renameSync(join(dir, 'fakebin-bash'), join(bin, 'bash'));
  // Variables that make a stage go through bash anyway (bash sets or drops them) are left out here.
  const special = Object.keys(process.env).filter((k) => /^(BASH|COMP_)|^(OLDPWD|PS[1-4]|IFS|OPTIND|OPTERR|LINENO|SHELLOPTS)$/.test(k));
  return runWf(['run', 'p'], { cwd: dir, env: { PATH: `${bin}:${process.env.PATH}`, ...Object.fromEntries(special.map((k) => [k, undefined])) } });
}

const bashLog = (dir: string) => (existsSync(join(dir, 'bash.log')) ? readFileSync(join(dir, 'bash.log'), 'utf8').trim().split('\n') : []);

describe('a run: script that is one plain command starts without bash', () => {
  it('gets the environment bash would have given it (PWD, SHLVL, _), and bash is not started', async () => {
    const dir = project(`        - run: env\n          env: {WF_OUTPUT_X: a}\n        - run: "env  # through bash: a comment is shell syntax"\n          env: {WF_OUTPUT_X: a}\n`);
    const r = await run(dir);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    // Each stage's env lines, without the per-stage output file name.
    const blocks: string[][] = [[], []];
    let current = -1;
    for (const line of r.stdout.split('\n')) {
      if (/▶ run env/.test(line)) current++;
      const m = /^\[j\] {3}([A-Za-z_][A-Za-z0-9_]*=.*)$/.exec(line);
      if (m && current >= 0 && !m[1]!.startsWith('WF_OUTPUT=')) blocks[current]!.push(m[1]!);
    }
    expect(blocks[0]!.length).toBeGreaterThan(3);
    expect(blocks[0]!.sort()).toEqual(blocks[1]!.sort());
    expect(blocks[0]).toContain(`PWD=${dir}`);
    expect(blocks[0]!.find((l) => l.startsWith('_='))).toMatch(/^_=\/.*\/env$/);
    expect(bashLog(dir)).toEqual(['env  # through bash: a comment is shell syntax']);
  });

  it('keeps exit codes, and true/false, and leaves builtins, expansions and quoting to bash', async () => {
    const dir = project(
      [
        '        - run: "true"',
        '        - run: ./exits.sh 3',
        '          continue-on-error: true',
        '        - run: echo "$HOME" > home.txt',
        '        - run: echo plain > echo.txt',
        '        - run: "false"',
      ].map((l) => `${l}\n`).join(''),
      { 'exits.sh': '#!/bin/sh\nexit "$1"\n' },
    );
    const r = await run(dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/exited with code 3/);
    expect(r.stdout).toMatch(/✗ run false.*exited with code 1/);
    expect(readFileSync(join(dir, 'home.txt'), 'utf8').trim()).toBe(process.env.HOME);
    expect(readFileSync(join(dir, 'echo.txt'), 'utf8')).toBe('plain\n');
    // echo is a builtin, the others are plain programs.
    expect(bashLog(dir)).toEqual(['echo "$HOME" > home.txt', 'echo plain > echo.txt']);
  });

  it('a script without #! runs as bash would run it (as a bash script); a missing command is reported by bash', async () => {
    const dir = project(`        - run: ./noshebang.sh one\n        - run: no-such-command-wf x\n`, { 'noshebang.sh': 'echo "bash=${BASH_VERSION:+yes} arg=$1" > out.txt\n' });
    const r = await run(dir);
    expect(r.code).toBe(1);
    expect(readFileSync(join(dir, 'out.txt'), 'utf8').trim()).toBe('bash=yes arg=one');
    expect(r.stdout).toMatch(/no-such-command-wf: command not found/);
    expect(r.stdout).toMatch(/exited with code 127/);
  });
});

describe('where bash would not simply exec the command, bash runs it', () => {
  it('a second line, a variable bash resets or drops, a shell level bash resets; true and false stay the builtins whatever PATH holds', async () => {
    const dir = project(
      [
        '        - run: "env\\n\\n"',
        '        - run: env',
        '          env: {PS4: "zz "}',
        '        - run: env',
        '          env: {OLDPWD: /no/such/folder}',
        '        - run: env',
        '          env: {SHLVL: "1200"}',
        '        - run: printenv SHLVL',
        '          env: {SHLVL: "7"}',
        '        - run: "true"',
      ].map((l) => `${l}\n`).join(''),
      // A `true` first on PATH that fails: bash would never run it.
      { 'bin/true': '#!/bin/sh\necho shadow; exit 3\n' },
    );
    chmodSync(join(dir, 'bin', 'true'), 0o755);
    const r = await run(dir);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/shadow/);
    expect(r.stdout).toMatch(/^\[j\] {3}7$/m);
    expect(r.stdout).not.toMatch(/OLDPWD=\/no\/such\/folder/);
    expect(r.stdout).toMatch(/shell level \(1201\) too high/);
    expect(bashLog(dir).filter((l) => l.startsWith('env')).length).toBe(4);
  });
});

describe('plainCommand', () => {
  it('takes plain words only', () => {
    expect(plainCommand('python3 etl.py --date=2024-01-01 --out ./x,y:z@1+2\n')).toEqual(['python3', 'etl.py', '--date=2024-01-01', '--out', './x,y:z@1+2']);
    expect(plainCommand('true')).toEqual(['true']);
    expect(plainCommand('dbt run \n')).toEqual(['dbt', 'run']);
    for (const s of ['dbt run\n\n', 'dbt run\n ', 'true x', 'echo hi', 'cd /tmp', 'A=1 env', 'ls *.csv', 'ls ~', 'echo {a,b}', 'a; b', 'a && b', 'a | b', 'a > f', "a 'q'", 'a "q"', 'a $X', 'a\\ b', 'a\nb', '! x', 'a # c', 'if', 'time ls', 'exec ls', '%1', '[ -f x ]', 'a `b`', 'a (b)'])
      expect(plainCommand(s), s).toBeNull();
  });
});
