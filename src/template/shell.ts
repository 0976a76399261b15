import { WfError } from '../errors/index.js';
import type { CompiledTemplate, ExprContext, RenderOptions } from './ast.js';
import { compileCached } from './compile.js';
import { evaluatePart } from './render.js';
import { ShellScanner } from './shell-scanner.js';
import { shellGuards, type Guard } from './shell-syntax.js';
import { splitTemplate } from './split.js';
import { toText } from './values.js';

export type { Guard, GuardKind } from './shell-syntax.js';

export interface ShellOptions extends RenderOptions {
  /** Name prefix of the variables that carry the values (default `WF_E` → WF_E1, WF_E2, …). */
  prefix?: string;
  /** What each expression's value must be, as `scriptGuards` found it (the compiled model keeps them); parsed when absent. */
  guards?: ReadonlyArray<Guard | null>;
  /** Check values where bash evaluates text as code (default true; the loader's check renders placeholders). */
  guard?: boolean;
}

const DEFAULT_PREFIX = 'WF_E';

/** The script with a quoted reference `${WF_En}` for each expression; throws where none can stand. */
function referenceScript(t: CompiledTemplate, prefix: string): { script: string; count: number } {
  const scanner = new ShellScanner();
  let script = '';
  let count = 0;
  for (const part of t.parts) {
    if (typeof part === 'string') {
      scanner.feed(part);
      script += part;
    } else script += scanner.reference(`${prefix}${++count}`);
  }
  return { script, count };
}

/**
 * Where each expression of a bash/sh script stands, decided on the parsed script: null where bash
 * reads the value as data, else what the value must be (an integer in arithmetic, a name for
 * read/unset/declare …). Computed once at load time and kept in the compiled model.
 * Example: `(( ${{ params.n }} > 0 )) && echo "${{ params.msg }}"` → [{kind: 'integer', …}, null].
 */
export function scriptGuards(text: string): Array<Guard | null> {
  const { script, count } = referenceScript(compileCached(text), DEFAULT_PREFIX);
  return shellGuards(script, DEFAULT_PREFIX, count);
}

const ALLOWED: Record<Guard['kind'], { re: RegExp; what: string; hint: string }> = {
  integer: {
    re: /^[-+]?[0-9]+$/,
    what: 'a plain integer',
    hint: 'give the param type int, or pass free text through a quoted word and check it yourself: v="${{ … }}"; [[ $v =~ ^[0-9]+$ ]] && (( v > 0 ))',
  },
  name: {
    re: /^[A-Za-z_][A-Za-z0-9_]*$/,
    what: 'a plain name (letters, digits and _)',
    hint: 'use a fixed variable name in the script and put the value in it: read -r value, printf -v value …',
  },
};

/**
 * Renders a shell script without pasting any value into it (SPEC §2.5): each expression becomes
 * a reference to an environment variable, quoted for where it stands, and `env` holds the values.
 * Where bash would evaluate a value as code (arithmetic, a name given to read or declare, eval,
 * bash -c), the value must be a plain integer or name, or the stage fails before it starts.
 * Example: `echo ${{ params.x }}` → `{script: 'echo "${WF_E1}"', env: {WF_E1: '…'}}`.
 */
export function renderShell(text: string, ctx: ExprContext, opts: ShellOptions = {}): { script: string; env: Record<string, string> } {
  const prefix = opts.prefix ?? DEFAULT_PREFIX;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(prefix)) {
    throw new WfError('E_INTERNAL', `renderShell: '${prefix}' is not a valid variable name prefix`);
  }
  const t = compileCached(text);
  // The whole script is scanned first: a refusal anywhere in it comes before any value is computed.
  const { script, count } = referenceScript(t, prefix);
  const guards = opts.guard === false ? [] : (opts.guards ?? shellGuards(script, prefix, count));
  const env: Record<string, string> = {};
  let n = 0;
  for (const part of t.parts) {
    if (typeof part === 'string') continue;
    const name = `${prefix}${n + 1}`;
    const value = toText(evaluatePart(t, n, part, ctx, opts));
    if (value.includes('\0')) {
      throw new WfError('E_EXPR_EVAL', `the value for ${name} contains a NUL byte, which no shell variable can hold`);
    }
    const guard = guards[n];
    if (guard && !ALLOWED[guard.kind].re.test(value)) {
      // Checked before the script starts; the value is never shown (it may be a secret).
      const raw = splitTemplate(t.source).filter((x) => x.kind === 'expr')[n]?.raw ?? `expression ${n + 1}`;
      throw new WfError('E_EXPR_EVAL', `${raw} is ${guard.where}, where bash evaluates text as code or takes it as a name: its value must be ${ALLOWED[guard.kind].what}, and this one (${value.length} characters) is not`, {
        hint: ALLOWED[guard.kind].hint,
      });
    }
    env[name] = value;
    n++;
  }
  return { script, env };
}
