import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, readRuns, runWf, tmpProject, type WfResult } from '../helpers/index.js';

beforeAll(assertBuilt);

const SECRET = 's3cr3t-XYZ';

// The secret goes everywhere a value can go: echoed, in a hook's outputs and logs, in $WF_OUTPUT,
// in job outputs, across needs, split over two writes, on stderr, and in a failing hook's message.
const CONF = `
leaky:
  type: Pipeline
  params:
    api-token: {type: secret}
  jobs:
    first:
      stages:
        - id: shell
          run: |
            echo "token=\${{ params.api-token }}"
            echo "env=$WF_PARAM_API_TOKEN"
            echo "to-stderr \${{ params.api-token }}" >&2
            printf 's3cr'; sleep 0.1; printf '3t-XYZ split\\n'
            echo "out=\${{ params.api-token }}" >> "$WF_OUTPUT"
        - id: hook
          uses: leak/give@v1
          with: {token: "\${{ params.api-token }}"}
        - echo: "echo \${{ params.api-token }} and \${{ stages.hook.outputs.echoed }}"
      outputs:
        from-shell: \${{ stages.shell.outputs.out }}
        from-hook: \${{ stages.hook.outputs.nested }}
    second:
      needs: [first]
      stages:
        - run: echo "needs=\${{ needs.first.outputs.from-shell }}"
        - uses: leak/boom@v1
          with: {token: "\${{ params.api-token }}"}
`;

const HOOKS = `
export const give = {
  name: 'give', tag: 'v1', with: { token: 'secret' },
  run: async (args, ctx) => {
    ctx.log('hook sees ' + args.token);
    return { echoed: args.token, nested: { list: [args.token], text: 'x' + args.token + 'y' } };
  },
};
export const boom = {
  name: 'boom', tag: 'v1', with: { token: 'str' },
  run: async (args) => { throw new Error('upstream refused ' + args.token); },
};
`;

/** Every file under a folder, read as bytes (the database, its -wal and -shm included). */
function filesUnder(dir: string): Array<{ path: string; bytes: Buffer }> {
  const out: Array<{ path: string; bytes: Buffer }> = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push({ path, bytes: readFileSync(path) });
  }
  return out;
}

function expectNoSecret(what: string, text: string): void {
  expect(text.includes(SECRET), `${what} leaks the secret:\n${text}`).toBe(false);
}

describe('a secret param appears nowhere', () => {
  let dir: string;
  const outputs: Array<[string, WfResult]> = [];
  let runId: string;

  beforeAll(async () => {
    dir = tmpProject({ 'conf/leaky.yml': CONF, 'hooks/leak.mjs': HOOKS });
    // Three runs at once into one state folder (a realistic load, and faster on two cores).
    const [cli, json, env] = await Promise.all([
      runWf(['run', 'leaky', '-p', `api-token=${SECRET}`], { cwd: dir }),
      runWf(['run', 'leaky', '-p', `api-token=${SECRET}`, '--json'], { cwd: dir }),
      runWf(['run', 'leaky'], { cwd: dir, env: { WF_PARAM_API_TOKEN: SECRET } }),
    ]);
    outputs.push(['wf run', cli!], ['wf run --json', json!], ['wf run (secret from the environment)', env!]);
    runId = readRuns(join(dir, '.wf'))[0]!.run.id;
    const reads = await Promise.all([['logs', runId], ['logs', runId, '--json'], ['runs', '--json'], ['runs']].map((args) => runWf(args, { cwd: dir })));
    outputs.push(['wf logs RUN', reads[0]!], ['wf logs RUN --json', reads[1]!], ['wf runs --json', reads[2]!], ['wf runs', reads[3]!]);
  });

  it('every run failed as designed (the last hook throws) and used the secret', () => {
    for (const [what, r] of outputs.slice(0, 3)) expect(r.code, what).toBe(1);
    const runs = readRuns(join(dir, '.wf'));
    expect(runs).toHaveLength(3);
    expect(runs.every((r) => r.run.params['api-token'] === '***')).toBe(true);
  });

  it('not in stdout or stderr of wf run, wf logs and wf runs', () => {
    for (const [what, r] of outputs) {
      expectNoSecret(`${what} stdout`, r.stdout);
      expectNoSecret(`${what} stderr`, r.stderr);
    }
  });

  it('*** stands where the secret was', () => {
    const [, cli] = outputs[0]!;
    const all = cli.stdout + cli.stderr;
    for (const line of ['token=***', 'env=***', 'to-stderr ***', 'hook sees ***', 'echo *** and ***', 'needs=***', 'upstream refused ***']) {
      expect(all).toContain(line);
    }
    const logs = outputs.find(([w]) => w === 'wf logs RUN')![1];
    expect(logs.stdout).toContain('token=***');
  });

  it('not in any file under the state folder, read as bytes after the processes exited', () => {
    const files = filesUnder(join(dir, '.wf'));
    expect(files.some((f) => f.path.endsWith('wf.db'))).toBe(true);
    for (const f of files) {
      expect(f.bytes.includes(Buffer.from(SECRET)), `${f.path} holds the secret`).toBe(false);
    }
  });

  it('the stored outputs and errors hold *** in its place', () => {
    const [latest] = readRuns(join(dir, '.wf'));
    const first = latest!.jobs.find((j) => j.key === 'first')!;
    expect(first.outputs).toEqual({ 'from-shell': '***', 'from-hook': { list: ['***'], text: 'x***y' } });
    expect(latest!.run.error?.message).toContain('upstream refused ***');
  });

  it('a secret default value stays out of the state folder too', async () => {
    const withDefault = tmpProject({
      'conf/d.yml': `
defaulted:
  type: Pipeline
  params:
    token: {type: secret, default: ${SECRET}}
  jobs:
    a:
      stages: [{run: 'echo "t=\${{ params.token }}"'}]
`,
    });
    for (let i = 0; i < 2; i++) {
      const r = await runWf(['run', 'defaulted'], { cwd: withDefault });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('t=***');
      expectNoSecret('stdout', r.stdout);
    }
    for (const f of filesUnder(join(withDefault, '.wf'))) {
      expect(f.bytes.includes(Buffer.from(SECRET)), `${f.path} holds the secret`).toBe(false);
    }
  });
});
