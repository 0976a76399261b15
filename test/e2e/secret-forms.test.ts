import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { assertBuilt, readRuns, runWf, tmpProject } from '../helpers/index.js';

beforeAll(assertBuilt);
vi.setConfig({ testTimeout: 60_000 });

// Four shapes of secret, each through every channel: echoed, line by line, as JSON (toJSON and
// wf's own JSON), as an output key and value, in a hook's logs and outputs, in an error message.
const SHAPES = {
  simple: 'pa55w0rd-simple',
  multiline: 'first-line-AAAA\nsecond-line-BBBB\nthird-line-CCCC',
  quotes: `q"uo'te\\back\\slash-DDDD`,
  long: `long-${'x'.repeat(40)}-${'y'.repeat(40)}-end`,
};

const CONF = `
leaky:
  type: Pipeline
  params:
    s: {type: secret}
  jobs:
    j:
      stages:
        - id: sh
          run: |
            printf '%s\\n' "\${{ params.s }}"
            echo "json=\${{ toJSON(params) }}"
            echo "\${{ params.s | json }}" >&2
            echo "$WF_PARAM_S=key" >> "$WF_OUTPUT"
            echo "v<<EOF" >> "$WF_OUTPUT"
            printf '%s\\n' "\${{ params.s }}" >> "$WF_OUTPUT"
            echo "EOF" >> "$WF_OUTPUT"
        - id: hook
          uses: leak/give@v1
          with: {token: "\${{ params.s }}"}
        - run: python3 -c 'import json,os; print(json.dumps(os.environ["WF_PARAM_S"]))'
        - echo: "\${{ fromJSON(params.s) }}"
          continue-on-error: true
      outputs:
        all: \${{ toJSON(stages) }}
    crash:
      stages:
        - uses: leak/talk@v1
          with: {token: "\${{ params.s }}"}
        - uses: leak/late-throw@v1
          with: {token: "\${{ params.s }}"}
          continue-on-error: true
        - uses: leak/reject@v1
          with: {token: "\${{ params.s }}"}
          continue-on-error: true
`;
const HOOKS = `
export const give = {
  name: 'give', tag: 'v1', with: { token: 'str' },
  run: async (args, ctx) => { ctx.log('hook sees ' + args.token); return { [args.token]: args.token, j: JSON.stringify(args.token) }; },
};
export const talk = {
  name: 'talk', tag: 'v1', with: { token: 'str' },
  run: async (args) => { console.log('console', args.token); console.error(JSON.stringify(args.token)); process.stdout.write(args.token + '\\n'); return {}; },
};
// A worker crash: an exception thrown outside the hook's promise, and a rejection nobody handles.
export const lateThrow = {
  name: 'late-throw', tag: 'v1', with: { token: 'str' },
  run: (args) => new Promise(() => { setTimeout(() => { throw new Error('async boom ' + args.token); }, 1); }),
};
export const reject = {
  name: 'reject', tag: 'v1', with: { token: 'str' },
  run: async (args) => { Promise.reject(new Error('unhandled ' + args.token)); await new Promise((r) => setTimeout(r, 50)); return {}; },
};
`;

function bytesUnder(dir: string): Buffer[] {
  const out: Buffer[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) out.push(...bytesUnder(p));
    else if (st.isFile()) out.push(readFileSync(p));
  }
  return out;
}

/** The clear forms of a secret someone could search for: the value, its lines, its JSON-escaped form. */
function clearForms(secret: string): string[] {
  const forms = [secret, JSON.stringify(secret).slice(1, -1)];
  for (const line of secret.split('\n')) if (line.length >= 8) forms.push(line);
  return forms;
}

describe('secrets of every shape, through every channel', () => {
  for (const [shape, secret] of Object.entries(SHAPES)) {
    it(`${shape}: 0 clear occurrences in stdout, stderr, --json, --dry-run, logs, runs --json, .wf/ and the temp folder`, async () => {
      const dir = tmpProject({ 'conf/p.yml': CONF, 'hooks/leak.mjs': HOOKS });
      const env = { WF_PARAM_S: secret };
      writeFileSync(join(dir, 'params.json'), JSON.stringify({ s: secret }));
      const before = new Set(readdirSync(tmpdir()));
      const outputs = [
        await runWf(['run', 'leaky'], { cwd: dir, env }),
        await runWf(['run', 'leaky', '-p', `s=${secret}`], { cwd: dir }),
        await runWf(['run', 'leaky', '--params-file', 'params.json'], { cwd: dir }),
        await runWf(['run', 'leaky', '--json'], { cwd: dir, env }),
        await runWf(['run', 'leaky', '--dry-run'], { cwd: dir, env }),
        await runWf(['run', 'leaky', '--dry-run', '--json'], { cwd: dir, env }),
        await runWf(['logs', 'last'], { cwd: dir }),
        await runWf(['logs', 'last', '--json'], { cwd: dir }),
        await runWf(['logs', 'last', '--tree'], { cwd: dir }),
        await runWf(['runs', '--json'], { cwd: dir }),
      ];
      expect(outputs[0]!.stdout).toContain('***');
      const texts = outputs.flatMap((r) => [r.stdout, r.stderr]);
      const files = bytesUnder(join(dir, '.wf')).map((b) => b.toString('latin1'));
      // Only this test's runs count: other test files run at the same time in the same temp folder.
      const ids = readRuns(join(dir, '.wf')).map((r) => r.run.id);
      expect(ids.length).toBeGreaterThan(0);
      const temp = readdirSync(tmpdir()).filter((n) => !before.has(n) && ids.some((id) => n.startsWith(`wf-${id}-`)));
      expect(temp, 'run folders left in the temp folder').toEqual([]);
      for (const form of clearForms(secret)) {
        for (const t of texts) expect(t.includes(form), `"${form}" in output:\n${t.slice(0, 2000)}`).toBe(false);
        for (const f of files) expect(f.includes(form), `"${form}" in the state folder`).toBe(false);
      }
    });
  }
});

describe("a hook's own console output", () => {
  it('goes to its stage log, masked, and never into --json', async () => {
    const dir = tmpProject({
      'conf/p.yml': 'p:\n  type: Pipeline\n  params:\n    s: {type: secret, default: topsecret-value-42}\n  jobs:\n    j:\n      stages: [{uses: h/talk, with: {s: "${{ params.s }}"}}]\n',
      'hooks/h.mjs': "export const talk = { name: 'talk', tag: 'v1', with: { s: 'secret' }, run: async (args) => { console.log('hello from console', args.s); process.stdout.write('raw write\\n'); console.error('to stderr'); return { ok: true }; } };\n",
    });
    const json = await runWf(['run', 'p', '--json'], { cwd: dir });
    expect(json.code, json.stderr).toBe(0);
    expect(() => JSON.parse(json.stdout)).not.toThrow();
    const logs = JSON.parse((await runWf(['logs', 'last', '--json'], { cwd: dir })).stdout) as { logs: Array<{ text: string; stream: string }> };
    expect(logs.logs.map((l) => [l.stream, l.text])).toEqual(expect.arrayContaining([['stdout', 'hello from console ***'], ['stdout', 'raw write'], ['stderr', 'to stderr']]));
    expect(json.stdout + json.stderr).not.toContain('topsecret-value-42');
  });
});

describe('secrets at the edges', () => {
  it('a secret straddling the 64 KB cut of output without newlines is masked', async () => {
    const secret = 'Boundary-Secret-1234';
    const dir = tmpProject({
      'conf/p.yml': `p:\n  type: Pipeline\n  params:\n    s: {type: secret}\n  jobs:\n    j:\n      stages:\n        - run: |\n            head -c 65526 /dev/zero | tr '\\0' x\n            printf '%s' "\${{ params.s }}"\n            head -c 200000 /dev/zero | tr '\\0' y\n`,
    });
    const r = await runWf(['run', 'p', '-p', `s=${secret}`], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const logs = await runWf(['logs', 'last', '--json'], { cwd: dir });
    const files = bytesUnder(join(dir, '.wf')).map((b) => b.toString('latin1'));
    for (const text of [r.stdout, logs.stdout, ...files]) {
      expect(text.includes(secret)).toBe(false);
      expect(text.includes('Boundary-Sec')).toBe(false);
      expect(text.includes('ret-1234')).toBe(false);
    }
    expect(logs.stdout).toMatch(/x\*\*\*"/); // the chunk was cut after the whole secret, which is masked
  });

  it("a parent's secret given to a trigger child's plain param is masked in the child's record", async () => {
    const dir = tmpProject({
      'conf/p.yml': 'parent:\n  type: Pipeline\n  params:\n    s: {type: secret}\n  jobs:\n    j:\n      stages:\n        - trigger: child\n          params: {d: "${{ params.s }}"}\nchild:\n  type: Pipeline\n  params:\n    d: str\n  jobs:\n    k:\n      stages: [{run: "echo got ${{ params.d }}"}]\n',
    });
    const r = await runWf(['run', 'parent', '-p', 's=Hunter2SecretX'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const outputs = [r.stdout, (await runWf(['logs', 'last'], { cwd: dir })).stdout, (await runWf(['runs', '--json'], { cwd: dir })).stdout];
    for (const text of [...outputs, ...bytesUnder(join(dir, '.wf')).map((b) => b.toString('latin1'))]) expect(text.includes('Hunter2SecretX')).toBe(false);
    expect(outputs[2]).toContain('"d": "***"');
  });

  it('a params file that is not JSON is reported without quoting its text', async () => {
    const dir = tmpProject({ 'conf/p.yml': 'p:\n  type: Pipeline\n  params:\n    s: {type: secret}\n  jobs:\n    j:\n      stages: [{run: echo}]\n', 'bad.json': '{"s":TopSecretPW}' });
    const r = await runWf(['run', 'p', '--params-file', 'bad.json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/params file 'bad\.json' is not valid JSON/);
    expect(r.stderr).not.toContain('TopSecretPW');
  });
});
