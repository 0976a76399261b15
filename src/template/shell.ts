import { WfError } from '../errors/index.js';
import type { ExprContext, RenderOptions } from './ast.js';
import { compileCached } from './compile.js';
import { evaluatePart } from './render.js';
import { ShellScanner } from './shell-scanner.js';
import { guardedPositions, safeForCode } from './shell-guard.js';
import { splitTemplate } from './split.js';
import { toText } from './values.js';

export interface ShellOptions extends RenderOptions {
  /** Name prefix of the variables that carry the values (default `WF_E` → WF_E1, WF_E2, …). */
  prefix?: string;
  /** Check values where bash evaluates text as code (default true; the loader's check renders placeholders). */
  guard?: boolean;
}

/**
 * Renders a shell script without pasting any value into it (SPEC §2.5): each expression becomes
 * a reference to an environment variable, quoted for where it stands, and `env` holds the values.
 * Example: `echo ${{ params.x }}` → `{script: 'echo "${WF_E1}"', env: {WF_E1: '…'}}`.
 */
export function renderShell(text: string, ctx: ExprContext, opts: ShellOptions = {}): { script: string; env: Record<string, string> } {
  const prefix = opts.prefix ?? 'WF_E';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(prefix)) {
    throw new WfError('E_INTERNAL', `renderShell: '${prefix}' is not a valid variable name prefix`);
  }
  const t = compileCached(text);
  const guarded = opts.guard === false ? new Set<number>() : guardedPositions(t);
  const scanner = new ShellScanner();
  const env: Record<string, string> = {};
  let script = '';
  let n = 0;
  let unsafe: { n: number; length: number } | undefined;
  for (const part of t.parts) {
    if (typeof part === 'string') {
      scanner.feed(part);
      script += part;
      continue;
    }
    const name = `${prefix}${n + 1}`;
    script += scanner.reference(name);
    const value = toText(evaluatePart(t, n, part, ctx, opts));
    if (value.includes('\0')) {
      throw new WfError('E_EXPR_EVAL', `the value for ${name} contains a NUL byte, which no shell variable can hold`);
    }
    if (guarded.has(n) && !safeForCode(value) && !unsafe) unsafe = { n, length: value.length };
    env[name] = value;
    n++;
  }
  // After the whole script is scanned: the scanner's own refusal (found later in the text) comes first.
  if (unsafe) {
    // Checked before the script starts: the value is never shown (it may be a secret).
    const raw = splitTemplate(t.source).filter((x) => x.kind === 'expr')[unsafe.n]?.raw ?? `expression ${unsafe.n + 1}`;
    throw new WfError('E_EXPR_EVAL', `${raw} stands where bash evaluates text as code or takes it as a name (arithmetic, an array subscript, declare/local/read/unset/printf -v, eval, trap, sh -c): its value must be a plain integer or identifier, and this one (${unsafe.length} characters) is not`, {
      hint: 'pass free text through a plain quoted word instead, e.g. v="${{ … }}", and use "$v" where text is expected',
    });
  }
  return { script, env };
}
