import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runWf, tmpDir, tmpProject } from '../helpers/index.js';

beforeAll(assertBuilt);

// Each value would create its marker file if it were pasted into the script as code.
const ATTACKS = ['$(touch pwned1)', '`touch pwned2`', '"; touch pwned3; echo "', "'; touch pwned4; '"];
const MARKERS = ['pwned1', 'pwned2', 'pwned3', 'pwned4'];

// The same param in every quoting position a script author might use.
const CONF = `
inject:
  type: Pipeline
  params:
    v: str
  jobs:
    bash:
      stages:
        - run: |
            echo bare:\${{ params.v }}
            echo "dq:\${{ params.v }}"
            echo 'sq:\${{ params.v }}'
            printf '%s\\n' "mid:before \${{ params.v }} after"
            cat <<EOT
            hd:\${{ params.v }}
            EOT
            echo "env:$WF_PARAM_V"
    sh:
      stages:
        - shell: sh
          run: |
            echo "sh:\${{ params.v }}"
    hook-free-echo:
      stages:
        - echo: "echo:\${{ params.v }}"
`;

describe.concurrent('param values never execute in shell stages', () => {
  let dir: string;
  beforeAll(() => {
    dir = tmpProject({ 'conf/inject.yml': CONF });
  });

  it.each(ATTACKS.map((a) => [a]))('value %s arrives as text in every quoting position', async (attack) => {
    const r = await runWf(['run', 'inject', '-p', `v=${attack}`, '--state', tmpDir()], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    for (const marker of MARKERS) expect(existsSync(join(dir, marker)), `${marker} was created`).toBe(false);
    for (const prefix of ['bare:', 'dq:', 'sq:', 'hd:', 'env:', 'sh:', 'echo:']) {
      expect(r.stdout, `${prefix} line`).toContain(`${prefix}${attack}\n`);
    }
    expect(r.stdout).toContain(`mid:before ${attack} after\n`);
  });
});
