#!/usr/bin/env node
// Start-up cost from the shell: `wf run hello-world` in the repo (state in a temp dir so the repo's
// .wf is untouched) against `node -e 0`; also `wf --help` and `wf validate` of the repo's conf/.
// Target (issue 2): `wf run hello-world` ≤ 0.25 s wall, median. Warm = the compiled-model cache
// under --state is in place (every run after the first); cold = it is removed before each run.
import { join } from 'node:path';
import { dropCache, ENV, exec, measure, report, requireDist, tempDir, wf } from './lib.mjs';

requireDist();
const RUNS = 11;
const state = join(tempDir(), '.wf');

const nodeE0 = measure(() => exec(process.execPath, ['-e', '0'], { env: ENV }), { runs: RUNS, warmups: 2 });
const refs = [['node -e 0', nodeE0]];
report('node -e 0', nodeE0);
const runHello = () => wf(['run', 'hello-world', '--state', state]);
report('wf run hello-world', measure(runHello, { runs: RUNS, warmups: 2 }), { max: 0.25, refs });
// Cold: the compiled-model cache under --state removed before each run, so conf/ is parsed again.
report('wf run hello-world, cold model cache', measure(runHello, { runs: RUNS, warmups: 1, before: () => dropCache(state) }), { max: 0.25, refs });
report('wf --help', measure(() => wf(['--help']), { runs: RUNS, warmups: 2 }), { refs });
report('wf validate (repo conf/)', measure(() => wf(['validate', '--state', state]), { runs: RUNS, warmups: 2 }), { refs });
