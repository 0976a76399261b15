import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runWf, tmpProject } from '../helpers/index.js';

beforeAll(assertBuilt);

const secret = 'hunter2-Sup3r-s3cret';

describe('a secret default in conf', () => {
  it('never shows in the source excerpt of an unrelated diagnostic; the caret stays under its column', async () => {
    const line = `  params: { tok: { type: secret, default: "${secret}" }, n: { type: int, default: x } }`;
    const dir = tmpProject({ 'conf/p.yml': `p:\n  type: Pipeline\n${line}\n  jobs:\n    j:\n      stages: [{echo: hi}]\n` });
    const v = await runWf(['validate'], { cwd: dir });
    expect(v.code).toBe(2);
    expect(v.stderr).toContain('E_TYPE');
    expect(v.stdout + v.stderr).not.toContain(secret);
    expect(v.stderr).toContain('default: "********************"');
    const lines = v.stderr.split('\n');
    const caret = lines.find((l) => /^\s+\|\s+\^/.test(l))!;
    const shown = lines[lines.indexOf(caret) - 1]!;
    expect(shown.slice(caret.indexOf('^'))).toMatch(/^\{ type: int, default: x \}/);
  });

  it('of a multi-line secret in a block scalar: no line of it in any excerpt', async () => {
    const yaml = 'p:\n  type: Pipeline\n  params:\n    key:\n      type: secret\n      default: |\n        line-one-of-the-key\n        line-two-of-the-key\n  jobs:\n    j:\n      stages: [{echo: "${{ params.nope }}"}]\n';
    const dir = tmpProject({ 'conf/p.yml': yaml });
    const v = await runWf(['validate'], { cwd: dir });
    expect(v.code).toBe(2);
    expect(v.stderr).not.toMatch(/line-(one|two)-of-the-key/);
  });
});

describe('a secret default in a file the YAML parser rejects', () => {
  it.each([
    ['a duplicate default', '    s:\n      type: secret\n      default: TopSecretB2\n      default: Dup3x\n', ['TopSecretB2', 'Dup3x']],
    ['a mapping where a value should be', '    s:\n      type: secret\n      default: TopSecretC3: y\n', ['TopSecretC3']],
    ['text after a quoted value', '    s:\n      type: secret\n      default: "TopSecretD4" x\n', ['TopSecretD4']],
    ['a block scalar with a bad indent', '    s:\n      type: secret\n      default: |\n        LineOneSecret\n       LineTwoSecret\n', ['LineOneSecret', 'LineTwoSecret']],
  ])('%s: the excerpt never shows it', async (_, params, secrets) => {
    const dir = tmpProject({ 'conf/p.yml': `p:\n  type: Pipeline\n  params:\n${params}  jobs:\n    j:\n      stages: [{run: echo}]\n` });
    const r = await runWf(['validate'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/E_YAML/);
    for (const s of secrets) expect(r.stderr).not.toContain(s);
  });
});
