import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runWf, tmpProject } from '../helpers/index.js';

beforeAll(assertBuilt);

// Every position the old hand-written scanner missed, and the usual ones (each evaluated position on its
// own is in test/template/shell-arith.test.ts). Each stage runs one hostile value; every payload tries to
// create a canary file.
const POSITIONS = [
  'if((${{ matrix.p }} > 0)); then echo x; fi',
  'while((${{ matrix.p }} < 0)); do :; done',
  'a[1<<2]=1\necho ${{ matrix.p }}',
  'a[1<<2]=1\n(( ${{ matrix.p }} ))',
  'printf -v ${{ matrix.p }} x',
  'declare ${{ matrix.p }}=1',
  'f() { local ${{ matrix.p }}=1; }; f',
  'read ${{ matrix.p }} <<< x',
  'unset ${{ matrix.p }}',
  'read -r "arr[${{ matrix.p }}]" <<< x',
  'declare -ai a; a=(${{ matrix.p }})',
  'export ${{ matrix.p }}',
  'readonly ${{ matrix.p }}',
  'mapfile ${{ matrix.p }} < /dev/null',
  'echo ${{ matrix.p }}',
  'echo "${{ matrix.p }}"',
  "echo '${{ matrix.p }}'",
  'echo $(echo ${{ matrix.p }})',
  'cat <<EOF\n${{ matrix.p }}\nEOF',
  'case "${{ matrix.p }}" in x) echo x;; esac',
  'for v in ${{ matrix.p }}; do echo "$v"; done',
  'printf "${{ matrix.p }}"',
  'echo x > "/tmp/wf-guard-${{ matrix.p }}" 2>/dev/null || true',
];

// Where bash evaluates text as code or takes it as a name. Each position runs with one hostile value from
// `-p` and from the environment; the same pipeline with a plain integer or name must keep working.
const EVAL_POSITIONS: Array<[string, 'int' | 'name']> = [
  ['(( ${{ params.v }} > 0 )) && echo ok', 'int'],
  ['if((${{ params.v }} > 0)); then echo ok; fi', 'int'],
  ['echo $(( ${{ params.v }} + 1 ))', 'int'],
  ['let "x = ${{ params.v }}"; echo ok', 'int'],
  ['[[ ${{ params.v }} -eq 5 ]] && echo ok', 'int'],
  ['a=(1 2 3 4 5 6); echo ${a[${{ params.v }}]}', 'int'],
  ['a[${{ params.v }}]=1; echo ok', 'int'],
  ['a[1<<2]=1\necho $(( ${{ params.v }} ))', 'int'],
  ['declare -i n; n=${{ params.v }}; echo $n', 'int'],
  ['declare -ai a; a=(${{ params.v }}); echo ok', 'int'],
  ['s=abcdefgh; echo ${s:${{ params.v }}}', 'int'],
  ['eval "echo ${{ params.v }}"', 'int'],
  ['trap "echo ${{ params.v }}" EXIT', 'int'],
  ['bash -c "echo ${{ params.v }}"', 'int'],
  ['sh -c "echo ${{ params.v }}"', 'int'],
  ['printf -v ${{ params.v }} x; echo ok', 'name'],
  ['declare ${{ params.v }}=1; echo ok', 'name'],
  ['f() { local ${{ params.v }}=1; }; f; echo ok', 'name'],
  ['export ${{ params.v }}=1; echo ok', 'name'],
  ['readonly ${{ params.v }}=1; echo ok', 'name'],
  ['read ${{ params.v }} <<< x; echo ok', 'name'],
  ['read -r "arr[${{ params.v }}]" <<< x; echo ok', 'int'],
  ['unset ${{ params.v }}; echo ok', 'name'],
  ['mapfile ${{ params.v }} < /dev/null; echo ok', 'name'],
  ['[[ -v ${{ params.v }} ]] || echo ok', 'name'],
];

const PAYLOADS = (canary: string): string[] => {
  const t = `touch ${canary}/pwned`;
  const base = [
    `$(${t})`, `\`${t}\``, `a[$(${t})]`, `x[$(${t})]+1`, `1$(${t})`, `; ${t}`, `&& ${t}`, `| ${t}`, `\n${t}`, `'; ${t}; '`,
    `"; ${t}; "`, `$(${t})x`, `\${x:-$(${t})}`, `$((1+$(${t})))`, `arr[$(${t})]`, `0[$(${t})]`, `a[\`${t}\`]`, `x$(${t} #)`,
    `$'\\x24'(${t})`, `EOF\n${t}\nEOF`, `*)${t};;`, `x) ${t};; *`, `%s$(${t})`, `$(${t})%n`, `>(${t})`, `<(${t})`,
  ];
  const out: string[] = [];
  for (const p of base) out.push(p, ` ${p}`);
  return out;
};

describe('param values never run as code, in any script position', () => {
  it('≥ 50 hostile payloads × every position, from a params file through a matrix and from hook outputs: 0 executed', async () => {
    const dir = tmpProject({
      'hooks/give.mjs': "export const give = { name: 'give', tag: 'v1', with: { list: 'array' }, run: async (args) => ({ list: args.list }) };\n",
    });
    const canary = join(dir, 'canary');
    const payloads = PAYLOADS(canary);
    expect(payloads.length).toBeGreaterThanOrEqual(50);
    // The usual positions and every position where bash evaluates text (below), each with each payload.
    const all = [...POSITIONS, ...EVAL_POSITIONS.map(([s]) => s.replaceAll('params.v', 'matrix.p'))];
    const stages = all.map((s) => `        - run: ${JSON.stringify(s)}\n          continue-on-error: true`).join('\n');
    mkdirSync(join(dir, 'conf'), { recursive: true });
    mkdirSync(canary, { recursive: true });
    writeFileSync(
      join(dir, 'conf', 'p.yml'),
      `p:\n  type: Pipeline\n  params:\n    list: array\n  jobs:\n    src:\n      stages:\n        - {id: h, uses: give/give@v1, with: {list: "\${{ params.list }}"}}\n      outputs: {list: "\${{ stages.h.outputs.list }}"}\n` +
        `    direct:\n      strategy: {matrix: {p: "\${{ params.list }}"}, max-parallel: 8}\n      stages:\n${stages}\n` +
        `    via-hook:\n      needs: [src]\n      strategy: {matrix: {p: "\${{ fromJSON(toJSON(needs.src.outputs.list)) }}"}, max-parallel: 8}\n      stages:\n${stages}\n`,
    );
    writeFileSync(join(dir, 'params.json'), JSON.stringify({ list: payloads }));
    const r = await runWf(['run', 'p', '--params-file', 'params.json'], { cwd: dir, timeoutMs: 110_000 });
    expect([0, 1], r.stderr.slice(0, 3000)).toContain(r.code);
    expect(all.length).toBeGreaterThanOrEqual(48);
    expect(r.stdout).toMatch(/job success|job failed/);
    let created: string[] = [];
    try {
      created = readdirSync(canary);
    } catch {
      created = [];
    }
    expect(created, 'a payload was executed').toEqual([]);
  }, 120_000);
});



describe('≥ 50 hostile payloads from -p and from the environment', () => {
  it('through a matrix over every position: 0 executed', async () => {
    const dir = tmpProject({});
    const canary = join(dir, 'canary');
    mkdirSync(canary, { recursive: true });
    mkdirSync(join(dir, 'conf'), { recursive: true });
    const all = [...POSITIONS, ...EVAL_POSITIONS.map(([s]) => s.replaceAll('params.v', 'matrix.p'))];
    const stages = all.map((s) => `        - run: ${JSON.stringify(s)}\n          continue-on-error: true`).join('\n');
    writeFileSync(join(dir, 'conf', 'p.yml'), `p:\n  type: Pipeline\n  params:\n    list: array\n  jobs:\n    direct:\n      strategy: {matrix: {p: "\${{ params.list }}"}, max-parallel: 8}\n      stages:\n${stages}\n`);
    const list = JSON.stringify(PAYLOADS(canary));
    for (const how of ['-p', 'env'] as const) {
      const r = how === '-p' ? await runWf(['run', 'p', '-p', `list=${list}`], { cwd: dir, timeoutMs: 110_000 }) : await runWf(['run', 'p'], { cwd: dir, timeoutMs: 110_000, env: { WF_PARAM_LIST: list } });
      expect([0, 1], r.stderr.slice(0, 3000)).toContain(r.code);
      expect(r.stdout).toMatch(/job (success|failed)/);
    }
    expect(readdirSync(canary), 'a payload was executed').toEqual([]);
  }, 240_000);
});

describe('positions bash evaluates, with values from -p and from the environment', () => {
  const stages = EVAL_POSITIONS.map(([s], i) => `        - id: s${i}\n          run: ${JSON.stringify(s)}\n          continue-on-error: true`).join('\n');
  const conf = { 'conf/p.yml': `p:\n  type: Pipeline\n  params:\n    v: str\n  jobs:\n    j:\n      stages:\n${stages}\n` };

  it('hostile values fail the stage before it starts, naming the param: 0 executed', async () => {
    const dir = tmpProject(conf);
    const canary = join(dir, 'canary');
    mkdirSync(canary);
    const hostile = [`a[$(touch ${canary}/pwned)]`, `1$(touch ${canary}/pwned2)`, `x; touch ${canary}/pwned3`];
    for (const v of hostile) {
      const viaP = await runWf(['run', 'p', '-p', `v=${v}`], { cwd: dir, timeoutMs: 60_000 });
      expect(viaP.code, viaP.stderr).toBe(0);
      expect(viaP.stdout + viaP.stderr).toMatch(/params\.v|E_EXPR_EVAL/);
      const viaEnv = await runWf(['run', 'p'], { cwd: dir, timeoutMs: 60_000, env: { WF_PARAM_V: v } });
      expect(viaEnv.code, viaEnv.stderr).toBe(0);
    }
    expect(readdirSync(canary), 'a payload was executed').toEqual([]);
  }, 120_000);

  it('a plain integer or name still runs in every position', async () => {
    const ints = EVAL_POSITIONS.map(([s], i) => [s, i] as const).filter((_, i) => EVAL_POSITIONS[i][1] === 'int');
    const names = EVAL_POSITIONS.map(([s], i) => [s, i] as const).filter((_, i) => EVAL_POSITIONS[i][1] === 'name');
    const dir = tmpProject(conf);
    const asInt = await runWf(['run', 'p', '-p', 'v=5', '--json'], { cwd: dir, timeoutMs: 60_000 });
    const asName = await runWf(['run', 'p', '-p', 'v=myvar', '--json'], { cwd: dir, timeoutMs: 60_000 });
    const statusOf = (out: string, i: number): string => {
      const run = JSON.parse(out);
      const stage = run.jobs[0].stages.find((s: { stageId: string }) => s.stageId === `s${i}`);
      return stage.status;
    };
    for (const [s, i] of ints) expect(statusOf(asInt.stdout, i), s).toBe('success');
    for (const [s, i] of names) expect(statusOf(asName.stdout, i), s).toBe('success');
  }, 120_000);
});
