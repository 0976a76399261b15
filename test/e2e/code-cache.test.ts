import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, hasStackTrace, REPO, runWf, tmpProject } from '../helpers/index.js';

beforeAll(assertBuilt);

// bin/wf compiles the bundled CLI with V8's code cache under $XDG_CACHE_HOME/wf-runner/.
const conf = {
  'conf/f.yml': 'f:\n  type: Pipeline\n  jobs:\n    j:\n      stages:\n        - run: exit 1\n',
  'conf/p.yml': 'p:\n  type: Pipeline\n  jobs:\n    j:\n      stages:\n        - echo: "from echo"\n        - uses: h/greet@v1\n        - run: echo "from bash"\n',
  'hooks/h.ts': "export const greet = { name: 'greet', tag: 'v1', with: {}, run: async (): Promise<{ said: string }> => { console.log('from a .ts hook'); return { said: 'hi' }; } };\n",
};

/** A copy of the built package, as npm installs it (its node_modules linked); `dist` a link when asked. */
function install(o: { distLink?: boolean } = {}): string {
  const root = tmpProject({});
  const pkg = join(root, 'pkg');
  mkdirSync(join(pkg, 'bin'), { recursive: true });
  for (const file of ['wf', 'package.json', 'code-cache.cjs']) cpSync(join(REPO, 'bin', file), join(pkg, 'bin', file));
  cpSync(join(REPO, 'package.json'), join(pkg, 'package.json'));
  symlinkSync(join(REPO, 'node_modules'), join(pkg, 'node_modules'), 'dir');
  if (o.distLink) {
    cpSync(join(REPO, 'dist'), join(root, 'build', 'dist'), { recursive: true });
    symlinkSync(join(REPO, 'node_modules'), join(root, 'build', 'node_modules'), 'dir');
    symlinkSync(join(root, 'build', 'dist'), join(pkg, 'dist'), 'dir');
  } else cpSync(join(REPO, 'dist'), join(pkg, 'dist'), { recursive: true });
  return pkg;
}

function setup(bin?: string) {
  const dir = tmpProject(conf);
  const cache = mkdtempSync(join(tmpdir(), 'wf-code-cache-'));
  const run = (args = ['run', 'p'], env: Record<string, string> = {}) => runWf(args, { cwd: dir, bin, env: { XDG_CACHE_HOME: cache, ...env } });
  /** The cache files of one command, by name, with their bytes. */
  const files = (command: string) => {
    const [root] = readdirSync(join(cache, 'wf-runner'));
    const dir = join(cache, 'wf-runner', root!, command);
    return new Map(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name))] as const));
  };
  const expectRan = (r: Awaited<ReturnType<typeof run>>) => {
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/from echo[\s\S]*from a \.ts hook[\s\S]*from bash/);
    expect(hasStackTrace(r.stderr)).toBe(false);
  };
  return { cache, run, files, expectRan };
}

describe('the code cache of the bundled CLI', { timeout: 60_000 }, () => {
  it('is written once per command by a successful run, private to the user, and read as it is afterwards', async () => {
    const { cache, run, files, expectRan } = setup();
    expectRan(await run());
    const written = files('run');
    expect([...written.keys()].some((n) => /^run-[\w-]{8}\.cjs\.v8$/.test(n))).toBe(true);
    const [root] = readdirSync(join(cache, 'wf-runner'));
    expect(statSync(join(cache, 'wf-runner', root!, 'run')).mode & 0o777).toBe(0o700);
    for (const name of written.keys()) expect(statSync(join(cache, 'wf-runner', root!, 'run', name)).mode & 0o777).toBe(0o600);
    const inodes = () => [...written.keys()].map((name) => statSync(join(cache, 'wf-runner', root!, 'run', name)).ino);
    const before = inodes();
    expectRan(await run());
    // Accepted by V8, so not written again (a file written again is a new one, renamed into place).
    expect(files('run')).toEqual(written);
    expect(inodes()).toEqual(before);
    // Another command keeps its own (the functions it ran).
    expect((await run(['list'])).code).toBe(0);
    expect(files('list').size).toBeGreaterThan(0);
  });

  it('damaged (bytes flipped, cut short, replaced) is refused and written again; the run is unchanged', async () => {
    const { cache, run, files, expectRan } = setup();
    expectRan(await run());
    const [root] = readdirSync(join(cache, 'wf-runner'));
    const dir = join(cache, 'wf-runner', root!, 'run');
    // Chunks every run loads (the YAML parser's, say, only a run with a cold model cache).
    const good = new Map([...files('run')].filter(([name]) => /^(main|run|store)-/.test(name)));
    expect(good.size).toBe(3);
    const damages: Array<(b: Buffer) => Buffer> = [
      (b) => Buffer.from(b.map((byte, i) => (i >= 64 && i % 997 === 0 ? byte ^ 0x5a : byte))),
      (b) => Buffer.from(b.map((byte, i) => (i === b.length >> 1 ? byte ^ 1 : byte))),
      (b) => b.subarray(0, b.length >> 1),
      () => Buffer.from('not a code cache'),
    ];
    for (const damage of damages) {
      for (const [name, bytes] of good) writeFileSync(join(dir, name), damage(bytes));
      expectRan(await run());
      for (const [name, bytes] of files('run')) if (good.has(name)) expect(bytes.equals(damage(good.get(name)!)), name).toBe(false);
    }
  });

  it('made from other bytes of a chunk is not used: an edit of the same length runs as edited', async () => {
    const pkg = install();
    const { run, files, expectRan } = setup(join(pkg, 'bin', 'wf'));
    expectRan(await run());
    expect(files('run').size).toBeGreaterThan(0);
    const bundle = join(pkg, 'dist', 'bundle');
    const chunk = readdirSync(bundle).find((n) => n.endsWith('.cjs') && readFileSync(join(bundle, n), 'utf8').includes('jobs ok`'))!;
    const text = readFileSync(join(bundle, chunk), 'utf8');
    writeFileSync(join(bundle, chunk), text.replace('jobs ok`', 'JOBS OK`'));
    const r = await run();
    expect(r.stdout).toContain('1/1 JOBS OK');
  });

  it('in a FIFO, a device or a huge file is passed over without waiting or reading it whole; dist/ behind a link works', async () => {
    const pkg = install({ distLink: true });
    const { cache, run, files, expectRan } = setup(join(pkg, 'bin', 'wf'));
    expectRan(await run());
    const [root] = readdirSync(join(cache, 'wf-runner'));
    const dir = join(cache, 'wf-runner', root!, 'run');
    const chunk = [...files('run').keys()].find((n) => n.startsWith('run-'))!;
    const plant = [
      () => execFileSync('mkfifo', [join(dir, chunk)]),
      () => symlinkSync('/dev/zero', join(dir, chunk)),
      () => writeFileSync(join(dir, chunk), Buffer.alloc(40 * 1024 * 1024, 1)),
    ];
    for (const make of plant) {
      rmSync(join(dir, chunk), { force: true });
      make();
      expectRan(await run());
      expect(statSync(join(dir, chunk)).isFile()).toBe(true);
      expect(statSync(join(dir, chunk)).size).toBeLessThan(1024 * 1024);
    }
  });

  it("with no writable home goes to a folder of the user's own in the temp folder, never to one others may write in", async () => {
    const { run, expectRan } = setup();
    const temp = mkdtempSync(join(tmpdir(), 'wf-tmpdir-'));
    const env = { XDG_CACHE_HOME: '', HOME: join(temp, 'no-such-home'), TMPDIR: temp };
    expectRan(await run(['run', 'p'], env));
    const own = join(temp, `wf-runner-${process.getuid!()}`);
    expect(statSync(own).mode & 0o777).toBe(0o700);
    const [root] = readdirSync(own);
    expect(readdirSync(join(own, root!, 'run')).some((n) => n.startsWith('run-'))).toBe(true);
    // Made by someone else, or open to others: not used.
    rmSync(own, { recursive: true });
    mkdirSync(own, { mode: 0o777 });
    chmodSync(own, 0o777);
    expectRan(await run(['run', 'p'], env));
    expect(readdirSync(own)).toEqual([]);
  });

  it('is not written when NODE_DISABLE_COMPILE_CACHE is set, after a usage error, or when the folder cannot be made; a failed run writes it', async () => {
    const { cache, run, files, expectRan } = setup();
    expectRan(await run(['run', 'p'], { NODE_DISABLE_COMPILE_CACHE: '1' }));
    const failed = await run(['run', 'no-such-pipeline']);
    expect(failed.code).toBe(2);
    expect(readdirSync(cache)).toEqual([]);
    // A pipeline that fails ran the same code as one that succeeds.
    expect((await run(['run', 'f'])).code).toBe(1);
    expect([...files('run').keys()].some((n) => n.startsWith('run-'))).toBe(true);
    const file = join(cache, 'a-file');
    writeFileSync(file, '');
    expectRan(await run(['run', 'p'], { XDG_CACHE_HOME: file }));
  });
});
