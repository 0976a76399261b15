import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPipeline } from '../../src/api/run.js';
import { resolveLocations } from '../../src/api/options.js';
import { listRunDetails } from '../../src/api/history.js';
import { liveTreeRenderer } from '../../src/cli/render/live-tree.js';
import { lineLogRenderer } from '../../src/cli/render/line-log.js';
import { tmpProject } from '../helpers/index.js';

// The real engine runs a real pipeline; only the terminal is a recording: every frame the live tree
// draws, as it would be on the screen.
const CONF = `
p:
  type: Pipeline
  jobs:
    first:
      stages:
        - echo: "starting up"
        - run: sleep 0.3; echo Hello, World!
    cells:
      needs: [first]
      strategy: {matrix: {t: [orders, users]}}
      stages:
        - run: echo "table \${{ matrix.t }}"
    broken:
      needs: [first]
      stages:
        - run: |
            echo "working on it"
            echo 'ERROR: relation "orders" does not exist' >&2
            exit 3
`;

function terminal(): { stream: NodeJS.WriteStream; frames: () => string[] } {
  let text = '';
  const stream = { isTTY: true, columns: 120, rows: 40, write: (s: string) => ((text += s), true) } as unknown as NodeJS.WriteStream;
  // eslint-disable-next-line no-control-regex
  const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
  // eslint-disable-next-line no-control-regex
  return { stream, frames: () => plain(text).split(/\x1b\[\d+A\x1b\[0J/) };
}

async function run(onEvent: Parameters<typeof runPipeline>[0]['onEvent']) {
  const dir = tmpProject({ 'conf/p.yml': CONF });
  const where = resolveLocations({ conf: join(dir, 'conf'), registry: join(dir, 'hooks'), state: join(dir, '.wf') });
  const outcome = await runPipeline({ ...where, pipeline: 'p', onEvent });
  return { where, outcome };
}

describe('the live tree on a terminal', () => {
  it('lists queued jobs, counts n of m, shows output and a failed stage’s stderr, one header per frame, and ends with the count wf runs shows', async () => {
    const term = terminal();
    const tree = liveTreeRenderer(term.stream);
    const { where, outcome } = await run(tree.onEvent);
    expect(outcome.run.status).toBe('failed');
    const frames = term.frames();
    expect(frames.length).toBeGreaterThan(1);
    // The first frame already shows the jobs that wait on `first`.
    expect(frames[0]).toMatch(/cells queued/);
    expect(frames[0]).toMatch(/broken queued/);
    expect(frames[0]).toMatch(/0 of 3 jobs done/);
    for (const f of frames) expect(f.match(/^▶ p /gm), f).toHaveLength(1);
    const last = frames.at(-1)!;
    expect(last).toMatch(/4 of 4 jobs done/); // the matrix job is two lines, one per cell
    expect(last).toContain('│ Hello, World!');
    expect(last).toContain('│ starting up');
    // The failed stage's last lines of output stand under it.
    const failedAt = last.split('\n').findIndex((l) => l.includes('✗ run echo "working on it"'));
    expect(failedAt).toBeGreaterThan(0);
    expect(last.split('\n').slice(failedAt + 1, failedAt + 3).join('\n')).toMatch(/│ working on it\n.*│ ERROR: relation "orders" does not exist/);
    // The final count is the JOBS column of `wf runs`.
    const [listed] = listRunDetails(where.state, { limit: 1 });
    const ok = listed!.jobs.filter((j) => j.status === 'success').length;
    expect(last).toContain(`run failed in`);
    expect(last).toContain(`${ok}/${listed!.jobs.length} jobs ok`);
    expect(`${ok}/${listed!.jobs.length}`).toBe('3/4');
  });

  it('a message while running (Ctrl-C) is drawn under the tree, not between frames', async () => {
    const term = terminal();
    const tree = liveTreeRenderer(term.stream);
    let said = false;
    await run((e) => {
      tree.onEvent(e);
      if (!said && e.type === 'stage-start') {
        said = true;
        tree.say('cancelling (SIGINT): stopping running stages (again to force)');
      }
    });
    const last = term.frames().at(-1)!;
    expect(last.match(/^▶ p /gm)).toHaveLength(1);
    expect(last).toMatch(/^! cancelling \(SIGINT\)/m);
  });
});

describe('line mode', () => {
  it('marks stderr lines and repeats the last one with the failure', async () => {
    const lines: string[] = [];
    await run(lineLogRenderer((l) => lines.push(l.replace(/\x1b\[[0-9;]*m/g, ''))));
    expect(lines).toContain('[broken]   stderr: ERROR: relation "orders" does not exist');
    expect(lines).toContain('[broken]   working on it');
    expect(lines.find((l) => l.startsWith('[broken] ✗ run'))).toMatch(/script exited with code 3 \(stderr: ERROR: relation "orders" does not exist\)$/);
    expect(lines.at(-1)).toMatch(/^✗ run failed \S+ in \S+, 3\/4 jobs ok$/);
  });
});
