import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runWf, tmpProject } from '../helpers/index.js';

beforeAll(assertBuilt);

// Every position the hand-written scanner used to miss, and the usual ones (positions it refuses at
// load time, such as `b[${{ }}]=1`, are tested in test/template/shell-arith.test.ts). Each stage runs one
// hostile value; every payload tries to create a canary file.
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
    const stages = POSITIONS.map((s) => `        - run: ${JSON.stringify(s)}\n          continue-on-error: true`).join('\n');
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
