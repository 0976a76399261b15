import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { renderShell, scriptGuards } from '../../src/template/index.js';
import { wfError } from './helpers.js';

// Bash evaluates array subscripts in arithmetic contexts, so this value runs `touch` there.
const dir = mkdtempSync(join(tmpdir(), 'wf-arith-'));
const marker = join(dir, 'pwned');
const HOSTILE = `a[$(touch ${marker})]`;
afterEach(() => rmSync(marker, { force: true }));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a script in real bash (stdin not a pipe: Debian's bash reads ~/.bashrc when it is a socket). */
function bash(script: string, env: Record<string, string> = {}) {
  return spawnSync('bash', ['--norc', '--noprofile', '-c', script], {
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Renders `template` with params.v = `v` and runs the script in bash. */
function run(template: string, v: string) {
  const { script, env } = renderShell(template, { params: { v } });
  return bash(script, env);
}

// Each of these places evaluates a value as arithmetic (or reads it as a name, for -v).
const EVALUATED = [
  'if [[ ${{ params.v }} -gt 0 ]]; then echo big; fi',
  '[[ "${{ params.v }}" -eq 1 ]]',
  '[[ "${{ params.v }}" -ne 1 ]]',
  '[[ 1 -lt "${{ params.v }}" ]]',
  '[[ ${{ params.v }} -le 1 || 1 == 1 ]]',
  'x=1; [[ ( $x == 1 && ${{ params.v }} -ge 1 ) ]]',
  '[[ -v ${{ params.v }} ]]',
  '[ -v "${{ params.v }}" ]',
  'let "n = ${{ params.v }}"',
  'let n=${{ params.v }}',
  'declare -i n=${{ params.v }}',
  'declare -i n="${{ params.v }}"',
  'f() { local -i n=${{ params.v }}; }; f',
  'typeset -i n=${{ params.v }}',
  'declare -ai a=(${{ params.v }})',
  'declare -n r=${{ params.v }}; echo $r',
  'declare -i n; n=${{ params.v }}',
  'f() { local -i n; n+="${{ params.v }}"; }; f',
  'a=(1 2); echo "${a[${{ params.v }}]}"',
  'a=(1 2); echo ${a[${{ params.v }}]}',
  'a=(1 2); echo "${#a[${{ params.v }}]}"',
  'a[${{ params.v }}]=x',
  'a["${{ params.v }}"]=x',
  'a=(1 2); unset a[${{ params.v }}]',
  'a=([${{ params.v }}]=x)',
  's=abc; echo ${s:${{ params.v }}}',
  // Found by an adversarial pass over the tree-sitter version: each ran the payload before.
  'echo ${x:-$(( ${{ params.v }} ))}',
  'x=1; echo "${x:+$(( ${{ params.v }} ))}"',
  'cat <<EOF\n$(( ${{ params.v }} ))\nEOF',
  '! (( ${{ params.v }} )) || true',
  'bash <<< "${{ params.v }}"',
  'timeout 5 bash -s <<< "${{ params.v }}"',
  'exec bash <<EOF\n${{ params.v }}\nEOF',
  'source /dev/stdin <<< "${{ params.v }}"',
  'bash -o pipefail -c "${{ params.v }}"',
  'bash --norc -c "${{ params.v }}"',
  'bash -c -- "${{ params.v }}"',
  '"bash" -c "${{ params.v }}"',
  '"$BASH" -c "${{ params.v }}"',
  'command -p eval "${{ params.v }}"',
  '"eval" "${{ params.v }}"',
  'time -p eval "${{ params.v }}"',
  'builtin declare "a[${{ params.v }}]=1"',
  'test -v "${{ params.v }}"',
  'y=abc; x=y; echo "${!x:${{ params.v }}}"',
  'declare -n r; r="${{ params.v }}"; echo "$r"',
  'declare -n r; for r in "${{ params.v }}"; do echo "$r"; done',
  'declare -i n; read n <<< "${{ params.v }}"',
  'declare -i n; : ${n:=${{ params.v }}}',
  'f=-i; declare $f n="${{ params.v }}"',
  ': || declare -A m; m[${{ params.v }}]=1',
  'f() { local -A m; }; m[${{ params.v }}]=1',
  'a[$(echo ${{ params.v }})]=1',
  'PS4="${{ params.v }}"; set -x; true',
  's=abc; echo "${s:1:${{ params.v }}}"',
  'echo $[ ${{ params.v }} + 1 ]',
  'echo $(( ${x:-${{ params.v }}} ))',
  '(( n = ${{ params.v }} ))',
];

describe('renderShell guards values where bash evaluates them as code', () => {
  it.each(EVALUATED)('%s', (template) => {
    // The check can fail: the same place holding a plain variable reference does run the payload.
    const pasted = template.replaceAll('${{ params.v }}', '${V}');
    bash(pasted, { V: `a[$(>${marker})]` });
    expect(existsSync(marker)).toBe(true);
    rmSync(marker);

    // A hostile value: the stage fails before it starts, naming the expression, never the value.
    const error = wfError(() => renderShell(template, { params: { v: HOSTILE } }));
    expect(error.code).toBe('E_EXPR_EVAL');
    expect(error.message).toContain('${{ params.v }} is ');
    expect(error.message).not.toContain('touch');
    // A plain integer (or name, where bash takes a name) keeps working: a run-time guard, not a refusal.
    const guard = scriptGuards(template)[0];
    expect(guard).not.toBeNull();
    expect(error.hint).toContain(guard!.kind === 'integer' ? '[[ $v =~ ^[0-9]+$ ]]' : 'fixed variable name');
    const ok = guard!.kind === 'integer' ? '1' : 'n1';
    const result = run(template, ok);
    expect(result.stderr).not.toMatch(/syntax error|bad substitution/);
    expect(existsSync(marker)).toBe(false);
  });

  it('guards let with the value in single quotes; refuses a value as a ${…} name at load time', () => {
    expect(wfError(() => renderShell("let 'n = ${{ params.v }}'", { params: { v: 'x y' } })).code).toBe('E_EXPR_EVAL');
    expect(run("let 'n = ${{ params.v }} + 1'; echo $n", '41').stdout).toBe('42\n');
    expect(wfError(() => renderShell('echo ${!${{ params.v }}}', { params: { v: 'x' } })).code).toBe('E_EXPR');
  });

  it('suggests a pattern that is itself safe, and works', () => {
    const template = 'v=${{ params.v }}; if [[ $v =~ ^[0-9]+$ ]] && (( v > 0 )); then echo big; else echo no; fi';
    expect(run(template, HOSTILE).stdout).toBe('no\n');
    expect(existsSync(marker)).toBe(false);
    expect(run(template, '7').stdout).toBe('big\n');
  });
});

describe('renderShell still allows values where bash reads them as data', () => {
  const allowed: Array<[string, string, string]> = [
    ['[[ == ]] quoted', '[[ "${{ params.v }}" == foo ]] && echo same || echo differ', 'differ\n'],
    ['[[ == ]] unquoted', '[[ ${{ params.v }} == foo ]] && echo same || echo differ', 'differ\n'],
    ['[[ -n ]] then (( )) as its own command', '[[ -n ${{ params.v }} ]] && (( 2 > 1 )) && echo yes', 'yes\n'],
    ['a [[ -gt ]] in another command', '[[ ${{ params.v }} == x ]]; [[ 2 -gt 1 ]] && echo yes', 'yes\n'],
    ['[ -gt ] (the test builtin does not evaluate)', '[ ${{ params.v }} -gt 0 ] 2>/dev/null; echo $?', '2\n'],
    ['test -eq', 'test "${{ params.v }}" -eq 0 2>/dev/null || echo no', 'no\n'],
    ['let, then another command', 'let n=1; printf %s ${{ params.v }}', HOSTILE],
    ['declare -i, then another name', 'declare -i n=1; m=${{ params.v }}; printf %s "$m"', HOSTILE],
    ['declare without -i', 'declare m=${{ params.v }}; printf %s "$m"', HOSTILE],
    ['an array of values', 'a=(${{ params.v }} x); printf %s "${a[0]}"', HOSTILE],
    ['a ${x:-default}', 'printf %s ${x:-${{ params.v }}}', HOSTILE],
    ['a ${x:-default} in quotes', 'printf %s "${x:-${{ params.v }}}"', HOSTILE],
    ['after ${#x} and ${a[0]}', 'a=(z); printf %s "${#a}${a[0]}" ${{ params.v }}', `1z${HOSTILE}`],
    ['let in a comment', 'true # let n=${{ params.v }}\nprintf %s ${{ params.v }}', HOSTILE],
    ['a [[ in a heredoc', 'cat <<EOF\n[[ ${{ params.v }} -gt 0 ]]\nEOF', `[[ ${HOSTILE} -gt 0 ]]\n`],
  ];

  it.each(allowed)('%s', (_, template, stdout) => {
    const result = run(template, HOSTILE);
    expect(result.stdout).toBe(stdout);
    expect(existsSync(marker)).toBe(false);
  });

  it('keeps the quoting of ${…} words as before', () => {
    expect(renderShell('echo ${x:-${{ params.v }}} "${x:-${{ params.v }}}"', { params: { v: 'a' } }).script).toBe(
      'echo ${x:-"${WF_E1}"} "${x:-${WF_E2}}"',
    );
  });
});

describe('scriptGuards: code handed to another program, and the safe way to pass a value', () => {
  const kind = (template: string) => scriptGuards(template)[0]?.kind ?? null;
  it.each([
    ['env -S "${{ params.v }}"', 'integer'],
    ['flock /tmp/lock -c "${{ params.v }}"', 'integer'],
    ['python3 -W ignore -c "${{ params.v }}"', 'integer'],
    ['python3 -c"${{ params.v }}"', 'integer'],
    ['node --eval "${{ params.v }}"', 'integer'],
    ['"$SHELL" -c "${{ params.v }}"', 'integer'],
    ['{ bash; } <<< "${{ params.v }}"', 'integer'],
    ["env 'BASH_FUNC_f%%=${{ params.v }}' bash -c f", 'integer'],
    ['BASH_ENV="${{ params.v }}" bash -c true', 'integer'],
    ['sudo -u bob bash -c "${{ params.v }}"', 'integer'],
    ['wait -p ${{ params.v }}', 'name'],
    ['compgen -W "${{ params.v }}" x', 'integer'],
  ])('%s → %s', (template, expected) => {
    expect(kind(template)).toBe(expected);
  });

  it.each([
    ["bash -c 'echo \"$1\"' _ \"${{ params.v }}\""],
    ['python3 script.py "${{ params.v }}"'],
    ['bash -o pipefail script.sh "${{ params.v }}"'],
    ['declare -A m; m[${{ params.v }}]=1'],
    ['f() { local -A m; m[${{ params.v }}]=1; }; f'],
    ['cat <<EOF\n${{ params.v }}\nEOF'],
    ['echo "${{ params.v }}" # (( a comment ))'],
    ['grep -e "${{ params.v }}" file'],
  ])('%s stays data', (template) => {
    expect(kind(template)).toBeNull();
  });
});

describe('scriptGuards: double parentheses that are not arithmetic', () => {
  it('an SQL heredoc with (( … )) around a value stays data; $(( … )) in a heredoc does not', () => {
    expect(scriptGuards("psql <<EOF\nSELECT * FROM t WHERE ((name = '${{ params.v }}'))\nEOF")[0]).toBeNull();
    expect(scriptGuards('cat <<EOF\n$(( ${{ params.v }} ))\nEOF')[0]?.kind).toBe('integer');
    expect(scriptGuards('if ! (( ${{ params.v }} )); then :; fi')[0]?.kind).toBe('integer');
  });
});
