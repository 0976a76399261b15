import { WfError, type SourceLoc } from '../errors/index.js';
import { renderShell, scriptPlaces, scriptStringError, type CompiledTemplate } from '../template/index.js';

const SHELL_HINT = 'put the expression in a plain word or inside double quotes, e.g. n="${{ … }}", and use $n from there';

/**
 * Finds, at load time, an expression a `run:` script places where no quoting can make it safe
 * (SPEC §2.5), which renderShell would otherwise only refuse at run time.
 * Example: `echo $(( ${{ params.n }} + 1 ))` → an E_EXPR at `loc`.
 */
export function checkShellScript(t: CompiledTemplate, loc: SourceLoc): WfError | undefined {
  // Every expression becomes `${{ null }}`: the shell scanner sees the same text around each one,
  // and no evaluation against the empty context can fail first and hide a later reference.
  // Literal parts never hold an opener (the template syntax has no escape for one), so this is exact.
  const neutral = t.parts.map((p) => (typeof p === 'string' ? p : '${{ null }}')).join('');
  try {
    renderShell(neutral, {}, { guard: false });
    return undefined;
  } catch (e) {
    // Rendering the dummy values failing (E_EXPR_EVAL) says nothing about the script; anything
    // other than the scanner's verdict (E_EXPR) would be a bug, so it is not swallowed.
    if (e instanceof WfError && e.code === 'E_EXPR_EVAL') return undefined;
    if (!(e instanceof WfError) || e.code !== 'E_EXPR') throw e;
    e.hint ??= SHELL_HINT;
    return e.at(loc);
  }
}

/**
 * The same check for `shell: python`/`node` (an expression inside a string literal has no safe
 * form) and for a `{0}` command, whose language wf cannot read (no expression at all).
 */
export function checkScriptPositions(text: string, shell: string, loc: SourceLoc): WfError | undefined {
  if (shell === 'python' || shell === 'node') {
    return scriptPlaces(text, shell).some((p) => p.where === 'string') ? scriptStringError(shell).at(loc) : undefined;
  }
  return new WfError('E_EXPR', `a script for shell '${shell}' cannot hold \${{ }}: wf cannot tell where a value would be code in it`, {
    loc,
    hint: 'pass values through the stage env: (e.g. env: {NAME: "${{ params.name }}"}) and read them as environment variables',
  });
}
