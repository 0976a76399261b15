import { describe, expect, it } from 'vitest';
import { checkConf as check, codesAt } from '../helpers/load-conf.js';

const HEAD = 'p:\n  type: Pipeline\n  params: {n: {type: int, default: 1}}\n';

describe('user maps are checked whatever their keys are named', () => {
  it('keys named like structural ones (id, desc, type, needs, uses, on, …) in outputs, env, with and trigger params are not skipped', () => {
    const text = `${HEAD}  env:
    desc: \${{ params.top }}
  jobs:
    a:
      outputs:
        id: \${{ stages.nope.outputs.y }}
      env:
        desc: \${{ params.typo }}
      stages:
        - uses: tools/load@v1
          with:
            type: \${{ params.typo2 }}
            needs: {uses: '\${{ params.deep }}'}
        - trigger: other
          params:
            trigger-rule: \${{ params.typo3 }}
            schedule: ['\${{ params.typo4 }}']
        - input:
            schema:
              on: {type: str, desc: '\${{ params.typo5 }}'}
other:
  type: Pipeline
  params: {trigger-rule: {type: str, default: x}, schedule: {type: array, default: []}}
  jobs:
    j:
      stages: [{echo: hi}]
`;
    const { errors, at } = check(text);
    expect(codesAt(errors)).toEqual(
      // A quoted scalar is placed at its opening quote.
      ['${{ params.top', '${{ stages.nope', '${{ params.typo }', '${{ params.typo2', "'${{ params.deep", '${{ params.typo3', "'${{ params.typo4", "'${{ params.typo5"].map(
        (n) => `E_EXPR_REF@${at(n)}`,
      ),
    );
    expect(errors[1]!.message).toContain("unknown stage id 'nope'");
  });

  it('matrix axes and include entries named id or type are checked', () => {
    const text = `${HEAD}  jobs:
    a:
      strategy:
        matrix:
          id: ['\${{ params.nope }}']
          include: [{type: '\${{ params.nope2 }}'}]
      stages: [{run: echo}]
`;
    const { errors, at } = check(text);
    expect(codesAt(errors)).toEqual([`E_EXPR_REF@${at("'${{ params.nope }}")}`, `E_EXPR_REF@${at("'${{ params.nope2")}`]);
  });

  it('structural name keys stay unchecked: a stage id, uses, shell and a job needs are names, not templates', () => {
    const text = `${HEAD}  jobs:
    a:
      stages: [{id: s, run: echo, shell: bash}]
    b:
      needs: [a]
      trigger-rule: all_done
      stages:
        - trigger: other
          params: {n: "\${{ params.n }}"}
other:
  type: Pipeline
  params: {n: {type: int, default: 1}}
  jobs:
    j:
      stages: [{echo: hi}]
`;
    expect(check(text).errors).toEqual([]);
  });
});

describe("a job's if: runs before its matrix is expanded", () => {
  it('matrix in a job-level if: is E_EXPR_REF with a hint pointing at the stage if:, written bare or in ${{ }}', () => {
    const text = `${HEAD}  jobs:
    a:
      if: \${{ matrix.os == 'linux' }}
      strategy: {matrix: {os: [linux, mac]}}
      stages: [{run: echo}]
    b:
      if: matrix.os == 'linux'
      strategy: {matrix: {os: [linux, mac]}}
      stages: [{run: echo}]
`;
    const { errors, at } = check(text);
    expect(codesAt(errors)).toEqual([`E_EXPR_REF@${at("${{ matrix.os == 'linux' }}")}`, `E_EXPR_REF@${at("matrix.os == 'linux'", 2)}`]);
    for (const e of errors) {
      expect(e.hint).toBe("a job's if: is evaluated before its matrix is expanded; use the if: of a stage instead");
    }
  });

  it('matrix stays allowed in the job name, env, outputs and in stages (their if: included)', () => {
    const text = `${HEAD}  jobs:
    a:
      name: build \${{ matrix.os }}
      strategy: {matrix: {os: [linux, mac]}}
      env: {OS: '\${{ matrix.os }}'}
      outputs: {os: '\${{ matrix.os }}'}
      stages:
        - if: matrix.os == 'linux'
          run: echo "\${{ matrix.os }}"
`;
    expect(check(text).errors).toEqual([]);
  });

  it('stage outputs in a job-level if: are E_EXPR_REF (the stages have not run)', () => {
    const text = `${HEAD}  jobs:
    a:
      if: stages.s.outputs.ok
      stages: [{id: s, run: echo}]
`;
    const { errors, at } = check(text);
    expect(codesAt(errors)).toEqual([`E_EXPR_REF@${at('stages.s.outputs.ok')}`]);
  });
});

describe('shell positions in run: scripts are checked at load time', () => {
  it('an expression right after a backslash or $, or in a quoted heredoc, is E_EXPR at the script, with a hint; $(( )) is guarded at run time instead', () => {
    const text = `${HEAD}  jobs:
    a:
      stages:
        - run: echo $(( \${{ params.n }} + 1 ))
        - bash: echo \\\${{ params.n }}
        - run: |
            echo "\${{ params.n }}"
            echo "$\${{ params.n }}"
        - run: |
            cat <<'EOF'
            \${{ params.n }}
            EOF
`;
    const { errors, at } = check(text);
    expect(codesAt(errors)).toEqual([`E_EXPR@${at('echo \\')}`, `E_EXPR@${at('|\n')}`, `E_EXPR@${at('|\n', 2)}`]);
    expect(errors[0]!.message).toContain('backslash');
    for (const e of errors) expect(e.hint).toMatch(/\S/);
  });

  it('a value that cannot render against an empty context does not hide a later unsafe position, and is not itself reported', () => {
    const text = `${HEAD}  jobs:
    a:
      stages:
        - run: echo \${{ params.n | fmt('%Y') }} \${{ fromJSON('{') }}
        - run: echo \${{ params.n | fmt('%Y') }} \\\${{ params.n }}
`;
    const { errors, at } = check(text);
    expect(codesAt(errors)).toEqual([`E_EXPR@${at('echo ${{ params.n', 2)}`]);
  });

  it('safe scripts pass: quoted, bare, heredoc; echo: is not a shell script', () => {
    const text = `${HEAD}  jobs:
    a:
      stages:
        - run: |
            echo "\${{ params.n }}" \${{ params.n }}
            cat <<EOF
            \${{ params.n }}
            EOF
        - echo: $(( \${{ params.n }} ))
`;
    expect(check(text).errors).toEqual([]);
  });
});
