import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, parseJson, REPO, runWf, tmpProject } from '../helpers/index.js';

beforeAll(assertBuilt);

const CONF = `
diamond:
  type: Pipeline
  desc: Top fans out to left and a matrix, which fan in to bottom
  on: [hourly]
  params:
    day: {type: date, default: release}
    n: int
  jobs:
    top: {stages: [{echo: top}]}
    left: {needs: [top], stages: [{echo: l}]}
    right:
      needs: [top]
      strategy: {matrix: {x: [1, 2]}}
      stages: [{id: r, run: "echo \${{ matrix.x }}"}]
    bottom:
      needs: [left, right]
      stages: [{uses: tools/load@v1, with: {table: t}}]
hourly:
  type: On
  cron: "@hourly"
  timezone: Europe/Paris
`;

const HOOKS = `
export const load = { name: 'load', tag: 'v1', desc: 'Load a table', with: { table: 'str', limit: { type: 'int', default: 10 } }, run: async () => ({}) };
export const load2 = { name: 'load', tag: 'v2', with: { table: 'str' }, run: async () => ({}) };
`;

const EDGES = [['top', 'left'], ['top', 'right'], ['left', 'bottom'], ['right', 'bottom']];

describe.concurrent('inspection commands', () => {
  let dir: string;
  beforeAll(() => {
    dir = tmpProject({ 'conf/d.yml': CONF, 'hooks/tools.mjs': HOOKS });
  });

  it('wf graph draws the DAG as ascii, mermaid and dot', async () => {
    const ascii = await runWf(['graph', 'diamond'], { cwd: dir });
    expect(ascii.code, ascii.stderr).toBe(0);
    expect(ascii.stdout).toMatch(/bottom.*left, right/);
    expect(ascii.stdout.indexOf('top')).toBeLessThan(ascii.stdout.indexOf('bottom'));

    const mermaid = await runWf(['graph', 'diamond', '--format', 'mermaid'], { cwd: dir });
    expect(mermaid.code).toBe(0);
    expect(mermaid.stdout.trimStart()).toMatch(/^graph (TD|LR)/);
    const ids = new Map([...mermaid.stdout.matchAll(/(\w+)\["([\w-]+)/g)].map((m) => [m[1]!, m[2]!]));
    const bare = mermaid.stdout.replace(/\["[^"]*"\]/g, ''); // drop the labels: n0 --> n1
    const mermaidEdges = [...bare.matchAll(/(\w+) --> (\w+)/g)].map((m) => [ids.get(m[1]!), ids.get(m[2]!)]);
    expect(mermaidEdges.sort()).toEqual([...EDGES].sort());

    const dot = await runWf(['graph', 'diamond', '--format', 'dot'], { cwd: dir });
    expect(dot.code).toBe(0);
    expect(dot.stdout).toMatch(/^digraph/);
    const dotEdges = [...dot.stdout.matchAll(/"([\w-]+)" -> "([\w-]+)"/g)].map((m) => [m[1], m[2]]);
    expect(dotEdges.sort()).toEqual([...EDGES].sort());

    const bad = await runWf(['graph', 'diamond', '--format', 'svg'], { cwd: dir });
    expect(bad.code).toBe(2);
  });

  it('wf list --json gives pipelines, params and next releases, and only JSON', async () => {
    const list = parseJson<Array<{ name: string; params: Array<{ name: string; type: string; required: boolean }>; schedules: Array<{ cron: string; timezone: string; next: string }> }>>(
      await runWf(['list', '--json'], { cwd: dir }),
    );
    expect(list.map((p) => p.name)).toEqual(['diamond']);
    expect(list[0]!.params).toEqual([expect.objectContaining({ name: 'day', type: 'date', required: false }), expect.objectContaining({ name: 'n', type: 'int', required: true })]);
    const schedule = list[0]!.schedules[0]!;
    expect(schedule).toMatchObject({ cron: '@hourly', timezone: 'Europe/Paris' });
    expect(new Date(schedule.next).getTime()).toBeGreaterThan(Date.now());
    expect(new Date(schedule.next).getUTCMinutes()).toBe(0);
  });

  it('wf show prints the compiled definition; --json is the model', async () => {
    const text = await runWf(['show', 'diamond'], { cwd: dir });
    expect(text.code).toBe(0);
    for (const word of ['diamond', 'top', 'left', 'right', 'bottom', 'n: int']) expect(text.stdout).toContain(word);
    const model = parseJson<{ name: string; jobs: Array<{ id: string; needs: string[] }> }>(await runWf(['show', 'diamond', '--json'], { cwd: dir }));
    expect(model.name).toBe('diamond');
    expect(model.jobs.map((j) => [j.id, j.needs])).toEqual([['top', []], ['left', ['top']], ['right', ['top']], ['bottom', ['left', 'right']]]);
  });

  it('wf hooks --json lists module/hook@tag and the declared inputs', async () => {
    const hooks = parseJson<Array<{ uses: string; inputs: Record<string, { type: string; required: boolean; default?: unknown }> }>>(await runWf(['hooks', '--json'], { cwd: dir }));
    expect(hooks.map((h) => h.uses).sort()).toEqual(['tools/load@v1', 'tools/load@v2']);
    expect(hooks.find((h) => h.uses === 'tools/load@v1')!.inputs).toEqual({
      table: { type: 'str', required: true },
      limit: { type: 'int', required: false, default: 10 },
    });
    const text = await runWf(['hooks'], { cwd: dir });
    expect(text.stdout).toContain('tools/load@v1');
  });

  it('wf validate of a clean conf/ exits 0; --json says ok', async () => {
    const r = await runWf(['validate'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const doc = parseJson<{ ok: boolean; errors: unknown[] }>(await runWf(['validate', '--json'], { cwd: dir }));
    expect(doc).toMatchObject({ ok: true, errors: [] });
  });

  it('--help of every command shows an example and exits 0', async () => {
    const root = await runWf(['--help'], { cwd: REPO });
    expect(root.code).toBe(0);
    const commands = ['run', 'validate', 'list', 'show', 'graph', 'runs', 'logs', 'hooks'];
    for (const c of commands) expect(root.stdout).toContain(c);
    const helps = await Promise.all(commands.map((c) => runWf([c, '--help'], { cwd: REPO })));
    helps.forEach((h, i) => {
      expect(h.code, commands[i]).toBe(0);
      expect(h.stdout, commands[i]).toMatch(/Examples?:\n\s+wf /);
      for (const flag of ['--conf', '--registry', '--state']) expect(h.stdout, `${commands[i]} ${flag}`).toContain(flag);
    });
  });

  it('the wf run --help examples run as shown', async () => {
    const help = await runWf(['run', '--help'], { cwd: REPO });
    const examples = help.stdout.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('wf run '));
    expect(examples.length).toBeGreaterThan(1);
    for (const example of examples) {
      const args = example.split(/\s+/).slice(1);
      const r = await runWf([...args, '--dry-run'], { cwd: REPO });
      expect(r.code, `${example}\n${r.stderr}`).toBe(0);
    }
  });

  it('--json output is one JSON document and nothing else on stdout', async () => {
    const state = `${dir}/.wf-json`;
    const run = await runWf(['run', 'diamond', '-p', 'n=1', '--json', '--registry', 'hooks', '--state', state], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(parseJson<{ run: { status: string } }>(run).run.status).toBe('success');
    for (const args of [['runs', '--json'], ['logs', 'last', '--json']]) {
      const r = await runWf([...args, '--state', state], { cwd: dir });
      expect(r.code, args.join(' ')).toBe(0);
      parseJson(r);
    }
  });
});
