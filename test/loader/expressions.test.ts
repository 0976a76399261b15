import { describe, expect, it } from 'vitest';
import { checkConf as check, codesAt, inspectFiles } from '../helpers/load-conf.js';

const pipeline = (body: string) => `p:\n  type: Pipeline\n  params: {name: {type: str, default: x}}\n  jobs:\n${body}`;

describe('expressions checked at load time', () => {
  it('an unknown param is E_EXPR_REF at the value, with a did-you-mean', () => {
    const { errors, at } = check(pipeline('    a:\n      stages:\n        - run: echo "${{ params.nmae }}"\n'));
    expect(codesAt(errors)).toEqual([`E_EXPR_REF@${at('echo "')}`]);
    expect(errors[0]!.hint).toBe("did you mean 'name'?");
  });

  it('$<expr> is checked like ${{ expr }}', () => {
    const { errors } = check(pipeline('    a:\n      stages:\n        - echo: "$<params.nope>"\n'));
    expect(errors.map((e) => e.code)).toEqual(['E_EXPR_REF']);
  });

  it('unknown stage ids, jobs outside needs, matrix without a matrix and item outside foreach are E_EXPR_REF', () => {
    const text = pipeline(`    a:
      stages:
        - id: first
          run: echo
        - run: echo "\${{ stages.frist.outputs.x }}"
        - run: echo "\${{ jobs.b.outputs.x }}"
        - run: echo "\${{ matrix.x }}"
        - run: echo "\${{ item }}"
        - run: echo "\${{ run.idd }}"
    b:
      stages: [{run: echo}]
`);
    const { errors, at } = check(text);
    const lines = ['stages.frist', 'jobs.b', 'matrix.x', '{ item }', 'run.idd'].map((n) => ['E_EXPR_REF', Number(at(n).split(':')[0])]);
    expect(errors.map((e) => [e.code, e.loc!.line])).toEqual(lines);
    expect(errors[0]!.hint).toBe("did you mean 'first'?");
    for (const e of errors) expect(e.hint).toBeTruthy();
  });

  it('syntax errors and unknown filters are E_EXPR with a hint', () => {
    const { errors, at } = check(pipeline('    a:\n      stages:\n        - run: echo "${{ params.name | nofilter }}"\n        - run: echo "${{ params.name == }}"\n        - echo: "${{ params.name"\n'));
    expect(codesAt(errors)).toEqual([`E_EXPR@${at('echo "${{ params.name |')}`, `E_EXPR@${at('echo "${{ params.name ==')}`, `E_EXPR@${at('"${{ params.name"')}`]);
    for (const e of errors) expect(e.hint).toBeTruthy();
  });

  it('valid references pass: needs outputs (transitively), matrix, item in foreach, if without ${{ }}', () => {
    const { errors } = check(pipeline(`    a:
      stages: [{id: s, run: echo}]
      outputs: {x: "\${{ stages.s.outputs.x }}"}
    b:
      needs: a
      stages: [{run: 'echo "\${{ needs.a.outputs.x }}"'}]
    c:
      needs: [b]
      if: params.name == 'x' && jobs.a.outputs.x != ''
      strategy: {matrix: {n: [1, 2]}}
      stages:
        - run: echo "\${{ jobs.a.outputs.x }} \${{ matrix.n }} \${{ run.id }}"
        - foreach: [1, 2]
          stages: [{echo: "\${{ item }} \${{ index }}"}]
`));
    expect(errors).toEqual([]);
  });
});

describe('names that hold an expression', () => {
  it('an output name or an env name with ${{ }} is refused at its key (it would be kept literally)', () => {
    const { errors } = inspectFiles({
      'conf/p.yml': 'p:\n  type: Pipeline\n  params: {m: str}\n  env:\n    "${{ params.m }}_X": 1\n  jobs:\n    a:\n      outputs:\n        "${{ params.m }}-key": x\n        ok: y\n      stages:\n        - run: echo\n          env: {"A_${{ params.m }}": 2, B: "${{ params.m }}"}\n',
    });
    expect(codesAt(errors)).toEqual(['E_EXPR@5:5', 'E_EXPR@9:9', 'E_EXPR@13:17']);
    expect(errors.map((e) => e.message)).toEqual([
      "an environment variable name cannot hold an expression: '${{ params.m }}_X'",
      "an output name cannot hold an expression: '${{ params.m }}-key'",
      "an environment variable name cannot hold an expression: 'A_${{ params.m }}'",
    ]);
  });
});

describe('comparisons that can never be true', () => {
  it("params.<choice> == 'text' outside its options is located, pointing at case-sensitivity when only case differs", () => {
    const { errors } = inspectFiles({
      'conf/p.yml': "p:\n  type: Pipeline\n  params:\n    mode: {type: choice, options: [delta, full]}\n  jobs:\n    j:\n      stages:\n        - if: params.mode == 'Delta'\n          run: echo a\n        - if: ${{ 'fulll' != params.mode }}\n          run: echo b\n        - if: params.mode == 'full'\n          run: echo c\n",
    });
    expect(codesAt(errors)).toEqual(['E_EXPR_REF@8:15', 'E_EXPR_REF@10:15']);
    expect(errors[0]!.message).toBe("params.mode is one of 'delta', 'full', so it never equals 'Delta'");
    expect(errors[0]!.hint).toBe("wf compares text case-sensitively (GitHub Actions does not): write 'delta'");
    expect(errors[1]!.hint).toBe("did you mean 'full'?");
  });
});
