import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scriptGuards, renderShell, type ExprContext } from '../../src/template/index.js';
import { wfError } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'wf-shell-'));
const marker = join(dir, 'pwned');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NASTY = [
  `$(touch ${marker})`,
  `\`touch ${marker}\``,
  `"; touch ${marker}; echo "`,
  `'; touch ${marker}; echo '`,
  `'`,
  `"`,
  `\\`,
  `line1\nline2\n`,
  `$HOME ~ * ?`,
  `  spaced  out  `,
  `EOF\ntouch ${marker}`,
  `$'\\x41' \${IFS} !! \\$(x)`,
  `a[$(touch ${marker})]`,
  '',
];

/**
 * Renders `template` once per value (as `params.v0`, `params.v1`, …) into one script, runs it in
 * real bash, and returns each value's output (a NUL byte separates them: no value has one).
 * stdin is not a pipe: Debian's bash reads ~/.bashrc when stdin is a socket, as Node's pipes are.
 */
function runAll(template: string, values: string[]): string[] {
  const params = Object.fromEntries(values.map((v, i) => [`v${i}`, v]));
  const text = values.map((_, i) => template.replaceAll('params.v', `params.v${i}`)).join("\nprintf '\\0'\n");
  const { script, env } = renderShell(text, { params });
  const result = spawnSync('bash', ['--norc', '--noprofile', '-c', script], {
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout.split('\0');
}

describe('renderShell: values reach bash as data, byte for byte', () => {
  const contexts: Array<[string, string, (v: string) => string]> = [
    ['outside quotes', "printf '%s|' ${{ params.v }}", (v) => `${v}|`],
    ['inside double quotes', 'printf \'%s|\' "<${{ params.v }}>"', (v) => `<${v}>|`],
    ['inside single quotes', "printf '%s|' '<${{ params.v }}>'", (v) => `<${v}>|`],
    ['inside $\'…\'', "printf '%s|' $'<\\t${{ params.v }}>'", (v) => `<\t${v}>|`],
    ['the $<> spelling', 'printf \'%s|\' "$<params.v>"', (v) => `${v}|`],
    ['inside $( ) inside double quotes', 'printf \'%s|\' "$(printf \'%s\' "${{ params.v }}")"', (v) => `${v.replace(/\n+$/, '')}|`],
    ['inside backquotes', "printf '%s|' \"`printf '%s' ${{ params.v }}`\"", (v) => `${v.replace(/\n+$/, '')}|`],
    ['in an unquoted heredoc', "cat <<EOF\nit's \"<${{ params.v }}>\"\nEOF", (v) => `it's "<${v}>"\n`],
    ['in a <<- heredoc then code', "cat <<-END\n\t<${{ params.v }}>\n\tEND\nprintf '%s' ${{ params.v }}", (v) => `<${v}>\n${v}`],
    ['after a comment with a quote', "# it's here\nprintf '%s' ${{ params.v }}", (v) => v],
    ['after an escaped quote', "echo \\' && printf '%s' ${{ params.v }}", (v) => `'\n${v}`],
    ['after $$ (the PID)', 'x=$$${{ params.v }}; printf \'%s\' "${x#$$}"', (v) => v],
  ];

  it('uses payloads that do run when pasted into a script (the check can fail)', () => {
    const pasted = NASTY[0]!.replace('pwned', 'pasted');
    spawnSync('bash', ['--norc', '-c', `echo ${pasted}`], { stdio: 'ignore' });
    expect(existsSync(join(dir, 'pasted'))).toBe(true);
  });

  for (const [where, template, expected] of contexts) {
    it(where, () => {
      expect(runAll(template, NASTY)).toEqual(NASTY.map(expected));
      expect(existsSync(marker)).toBe(false);
    });
  }
});

describe('renderShell: the script text', () => {
  const ctx: ExprContext = { params: { a: 'A', n: 1 } };

  it('references WF_E1, WF_E2, … and maps them to the value text', () => {
    expect(renderShell("echo ${{ params.a }} \"${{ params.n }}\" 'x${{ params.a }}y'", ctx)).toEqual({
      script: 'echo "${WF_E1}" "${WF_E2}" \'x\'"${WF_E3}"\'y\'',
      env: { WF_E1: 'A', WF_E2: '1', WF_E3: 'A' },
    });
  });

  it('takes a prefix, and leaves a script without expressions as it is', () => {
    expect(renderShell('echo ${{ params.a }}', ctx, { prefix: 'X_' }).script).toBe('echo "${X_1}"');
    expect(renderShell("echo 'hi'", ctx)).toEqual({ script: "echo 'hi'", env: {} });
    expect(wfError(() => renderShell('x', ctx, { prefix: 'a b' })).code).toBe('E_INTERNAL');
  });

  it('refuses places where no reference is safe or meaningful', () => {
    expect(wfError(() => renderShell("cat <<'EOF'\n${{ params.a }}\nEOF", ctx)).hint).toContain('unquoted');
    expect(wfError(() => renderShell('echo \\${{ params.a }}', ctx)).code).toBe('E_EXPR');
    expect(wfError(() => renderShell('echo "$${{ params.a }}"', ctx).script).code).toBe('E_EXPR');
  });

  it('fails closed where the parser cannot follow bash (two heredocs on one line): only an integer passes there', () => {
    const template = "cat <<EOF; cat <<'Q'\n<${{ params.a }}>\nEOF\nit's $x\nQ\nprintf '%s' ${{ params.a }}";
    expect(scriptGuards(template)[0]).toMatchObject({ kind: 'integer', where: expect.stringContaining('could not parse') });
    expect(scriptGuards(template)[1]).toBeNull();
    expect(wfError(() => renderShell(template, ctx)).code).toBe('E_EXPR_EVAL');
  });

  it('guards arithmetic at run time: an integer renders bare, anything else fails before the script starts', () => {
    expect(renderShell('echo $(( ${{ params.n }} + 1 ))', ctx)).toEqual({ script: 'echo $(( ${WF_E1} + 1 ))', env: { WF_E1: '1' } });
    expect(wfError(() => renderShell('echo $(( ${{ params.a }} + 1 ))', ctx)).code).toBe('E_EXPR_EVAL');
  });

  it('reports a NUL byte and a bad expression as WfError', () => {
    expect(wfError(() => renderShell('echo ${{ params.z }}', { params: { z: 'a\0b' } })).code).toBe('E_EXPR_EVAL');
    expect(wfError(() => renderShell('echo ${{ params.z | fmt(\'%Y\') }}', { params: { z: 'x' } })).code).toBe('E_EXPR_EVAL');
  });
});
