import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, jobOf, onlyRun, runWf, stagesOf, tmpProject, type StoredRun } from '../helpers/index.js';

beforeAll(assertBuilt);

const HOOK_TS = `
import { defineHook } from 'wf-runner';

/** Reports the types its inputs arrived with, so a test can see whole-value templates keep theirs. */
export const kinds = defineHook(
  { name: 'kinds', tag: 'v1', with: { limit: 'int', tables: 'array', label: { type: 'str', default: 'none' } } },
  async (args: { limit: unknown; tables: unknown; label: string }, ctx) => {
    ctx.log('checking kinds');
    return {
      limitType: typeof args.limit,
      limitPlusOne: (args.limit as number) + 1,
      tablesIsArray: Array.isArray(args.tables),
      tableCount: (args.tables as unknown[]).length,
      label: args.label,
      nested: { first: (args.tables as string[])[0] },
    };
  },
);
`;

const CONF = `
outs:
  type: Pipeline
  params:
    limit: {type: int, default: 41}
    tables: {type: array, default: [orders, refunds, shipments]}
  jobs:
    produce:
      stages:
        - id: write
          run: |
            echo "single=one value" >> "$WF_OUTPUT"
            { echo "multi<<EOF"; echo "line 1"; echo "line 2"; echo "EOF"; } >> "$WF_OUTPUT"
        - id: read
          run: echo "read=[\${{ stages.write.outputs.single }}]" >> "$WF_OUTPUT"
        - id: kinds
          uses: tools/kinds@v1
          with:
            limit: \${{ params.limit }}
            tables: \${{ params.tables }}
            label: "n=\${{ params.limit }}"
        - id: after-hook
          run: |
            echo "from-hook=\${{ stages.kinds.outputs.limitType }}/\${{ stages.kinds.outputs.limitPlusOne }}/\${{ stages.kinds.outputs.nested.first }}" >> "$WF_OUTPUT"
      outputs:
        single: \${{ stages.write.outputs.single }}
        multi: \${{ stages.write.outputs.multi }}
        count: \${{ stages.kinds.outputs.tableCount }}
        tables: \${{ params.tables }}
    consume:
      needs: [produce]
      stages:
        - id: got
          run: |
            echo "via-jobs=\${{ jobs.produce.outputs.single }}" >> "$WF_OUTPUT"
            echo "via-needs=\${{ needs.produce.outputs.single }}" >> "$WF_OUTPUT"
            { echo "multi<<END"; echo "\${{ needs.produce.outputs.multi }}"; echo "END"; } >> "$WF_OUTPUT"
        - id: typed
          uses: tools/kinds@v1
          with:
            limit: \${{ needs.produce.outputs.count }}
            tables: \${{ jobs.produce.outputs.tables }}
`;

describe('outputs flow between stages and jobs', () => {
  let dir: string;
  let run: StoredRun;
  let stdout: string;

  beforeAll(async () => {
    dir = tmpProject({ 'conf/outs.yml': CONF, 'hooks/tools.ts': HOOK_TS }, { linkPackage: true });
    const r = await runWf(['run', 'outs'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    stdout = r.stdout;
    run = onlyRun(join(dir, '.wf'));
  });

  const stage = (job: string, id: string) => {
    const s = stagesOf(run, job).find((x) => x.stageId === id || x.name === id);
    if (!s) throw new Error(`no stage ${id} in ${job}`);
    return s;
  };

  it('$WF_OUTPUT name=value and name<<EOF lines become stage outputs', () => {
    expect(stage('produce', 'write').outputs).toMatchObject({ single: 'one value', multi: 'line 1\nline 2', exit_code: 0 });
  });

  it('a later stage reads stages.<id>.outputs', () => {
    expect(stage('produce', 'read').outputs).toMatchObject({ read: '[one value]' });
  });

  it('a hook (a .ts file importing wf-runner, no build step) returns outputs a later stage reads', () => {
    expect(stage('produce', 'kinds').outputs).toEqual({
      limitType: 'number', limitPlusOne: 42, tablesIsArray: true, tableCount: 3, label: 'n=41', nested: { first: 'orders' },
    });
    expect(stage('produce', 'after-hook').outputs).toMatchObject({ 'from-hook': 'number/42/orders' });
    expect(stdout).toContain('checking kinds');
  });

  it('job outputs keep their types and reach a dependent job through jobs.<id> and needs.<id>', () => {
    expect(jobOf(run, 'produce').outputs).toEqual({ single: 'one value', multi: 'line 1\nline 2', count: 3, tables: ['orders', 'refunds', 'shipments'] });
    expect(stage('consume', 'got').outputs).toMatchObject({ 'via-jobs': 'one value', 'via-needs': 'one value', multi: 'line 1\nline 2' });
    // Whole-value templates pass a number and a list on unchanged, across the job boundary too.
    expect(stage('consume', 'typed').outputs).toMatchObject({ limitType: 'number', limitPlusOne: 4, tablesIsArray: true, tableCount: 3 });
  });

  it('params from -p are coerced to their declared types before whole-value templates use them', async () => {
    const state = join(dir, 'state-2');
    const r = await runWf(['run', 'outs', '--state', state, '-p', 'limit=9', '-p', 'tables=a,b'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const second = onlyRun(state);
    const kinds = stagesOf(second, 'produce').find((s) => s.name === 'kinds' || s.stageId === 'kinds')!;
    expect(kinds.outputs).toMatchObject({ limitType: 'number', limitPlusOne: 10, tablesIsArray: true, tableCount: 2, nested: { first: 'a' } });
  });
});

describe('$WF_OUTPUT before the script runs', () => {
  // Six jobs at once: the first stage processes start through child_process, the later ones through
  // posix_spawn (koffi loads once a second process runs); WF_SPAWN=node forks them all.
  const jobs = Array.from({ length: 6 }, (_, i) =>
    [
      `    j${i}:`,
      '      stages:',
      '        - id: shell',
      '          run: |',
      '            [ -f "$WF_OUTPUT" ] && [ ! -s "$WF_OUTPUT" ] && echo "mode=$(stat -c %a "$WF_OUTPUT")" >> "$WF_OUTPUT"',
      '        - id: plain',
      '          run: ./check.sh',
      '      outputs:',
      '        shell: ${{ stages.shell.outputs.mode }}',
      '        plain: ${{ stages.plain.outputs.mode }}',
    ].join('\n'),
  );
  const conf = `out-file:\n  type: Pipeline\n  jobs:\n${jobs.join('\n')}\n`;
  const check = '#!/bin/sh\n[ -f "$WF_OUTPUT" ] && [ ! -s "$WF_OUTPUT" ] && echo "mode=$(stat -c %a "$WF_OUTPUT")" >> "$WF_OUTPUT"\n';

  for (const spawn of ['posix_spawn', 'node'] as const) {
    it(`exists, empty and private (0600) in every stage, whichever way it starts (${spawn})`, async () => {
      const dir = tmpProject({ 'conf/p.yml': conf, 'check.sh': check });
      (await import('node:fs')).chmodSync(join(dir, 'check.sh'), 0o755);
      const run = await runStored(dir, ['out-file', '--json'], spawn);
      for (let i = 0; i < 6; i++) expect(jobOf(run, `j${i}`).outputs).toEqual({ shell: '600', plain: '600' });
    });
  }
});

/** Runs a pipeline (posix_spawn, or child_process with WF_SPAWN=node), expects exit 0, and returns the stored run. */
async function runStored(dir: string, args: string[], spawn: 'posix_spawn' | 'node' = 'posix_spawn'): Promise<StoredRun> {
  const r = await runWf(['run', ...args], { cwd: dir, env: spawn === 'node' ? { WF_SPAWN: 'node' } : {} });
  expect(r.code, r.stdout + r.stderr).toBe(0);
  return onlyRun(join(dir, '.wf'));
}

describe('$WF_OUTPUT after a stage that changed or kept its own', () => {
  // Whatever a stage did with its own file (or with the others in the run's folder), each stage
  // after it checks that its own is there: a regular empty 0600 file.
  const check = (id: string) => [`        - id: ${id}`, '          run: |', '            [ -f "$WF_OUTPUT" ] && [ ! -L "$WF_OUTPUT" ] && [ ! -s "$WF_OUTPUT" ] && echo "mode=$(stat -c %a "$WF_OUTPUT")" >> "$WF_OUTPUT"'];
  // What each stage before a check does with its $WF_OUTPUT (or with the other files in the folder).
  const before: string[][] = [
    ['        - id: quiet', "          run: 'true'"],
    ['        - id: wrote', '          run: echo "x=1" >> "$WF_OUTPUT"'],
    ['        - run: chmod 644 "$WF_OUTPUT"'],
    ['        - run: t=$(mktemp) && chmod 600 "$t" && ln -sf "$t" "$WF_OUTPUT"'],
    ['        - run: "true"', '        - id: later', "          run: 'true'"],
    // Another stage's file is in the same folder: writing into every file there, or removing them all.
    ['        - run: for f in "$(dirname "$WF_OUTPUT")"/output-*; do [ "$f" = "$WF_OUTPUT" ] || echo injected=yes >> "$f"; done'],
    ['        - run: rm -f "$(dirname "$WF_OUTPUT")"/output-*'],
    // Not a regular file in its place: a FIFO (reading it would wait for a writer), a folder.
    ['        - id: fifo', '          run: rm "$WF_OUTPUT" && mkfifo -m 600 "$WF_OUTPUT"'],
    ['        - id: folder', '          run: rm "$WF_OUTPUT" && mkdir "$WF_OUTPUT"'],
  ];
  const conf = ['after:', '  type: Pipeline', '  jobs:', '    j:', '      stages:', ...before.flatMap((stages, i) => [...stages, ...check(`c${i + 1}`)])].join('\n');

  it('never takes what a process that outlived its stage writes to its old path later', async () => {
    const leak = [
      'leak:',
      '  type: Pipeline',
      '  jobs:',
      '    j:',
      '      stages:',
      '        - run: |',
      `            setsid sh -c 'exec 3>>"$WF_OUTPUT" </dev/null >/dev/null 2>&1; sleep 0.5; echo injected=late >&3' &`,
      '            sleep 0.1',
      '        - id: second',
      '          run: sleep 1',
    ].join('\n');
    const run = await runStored(tmpProject({ 'conf/p.yml': `${leak}\n` }), ['leak']);
    expect(stagesOf(run, 'j').find((s) => s.stageId === 'second')!.outputs).toEqual({ exit_code: 0, stdout: '' });
  });

  for (const spawn of ['posix_spawn', 'node'] as const) {
    it(`is a new empty 0600 file for each stage, whatever the last one did with its own (${spawn})`, async () => {
      const stages = stagesOf(await runStored(tmpProject({ 'conf/p.yml': `${conf}\n` }), ['after'], spawn), 'j');
      const byId = (id: string) => stages.find((s) => s.stageId === id)!.outputs;
      for (const id of ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9']) expect(byId(id), id).toMatchObject({ mode: '600' });
      expect(byId('fifo')).toEqual({ exit_code: 0, stdout: '' });
      expect(byId('folder')).toEqual({ exit_code: 0, stdout: '' });
      expect(byId('c6')).not.toHaveProperty('injected');
      expect(byId('wrote')).toMatchObject({ x: '1' });
      expect(byId('quiet')).not.toHaveProperty('x');
      expect(byId('later')).not.toHaveProperty('x');
      expect(byId('later')).not.toHaveProperty('mode');
    });
  }
});
