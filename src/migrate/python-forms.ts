/**
 * ddeutil-workflow evaluates conditions and runs `run:` scripts as Python, with values pasted into
 * the text. wf's python shell reads each `${{ }}` as a value instead, and its conditions are
 * expressions; these rewrite the common forms and say where something is left to a person.
 */

const EXPR = /\$\{\{([\s\S]*?)\}\}/g;

/** `'${{ x }}'` → `${{ x }}`: in wf's python a `${{ }}` is already the value (a str stays a str). */
export function unquoteExpressions(script: string): string {
  return script.replace(/(['"])\$\{\{([^'"\n]*?)\}\}\1/g, (_m, _q, inner: string) => `\${{${inner}}}`);
}

/** Offsets of `${{` still inside a string literal on its line (an f-string or text around it). */
export function quotedExpressions(script: string): number[] {
  const out: number[] = [];
  for (const m of script.matchAll(/\$\{\{/g)) {
    const lineStart = script.lastIndexOf('\n', m.index) + 1;
    const before = script.slice(lineStart, m.index).replace(/\\./g, '');
    if (((before.match(/'/g)?.length ?? 0) % 2 === 1) || ((before.match(/"/g)?.length ?? 0) % 2 === 1)) out.push(m.index);
  }
  return out;
}

/** ddeutil's `vars:` (Python variables set before the script) as assignment lines. */
export function varsAsCode(vars: Array<[string, unknown]>): { code: string; skipped: string[] } {
  const lines: string[] = [];
  const skipped: string[] = [];
  for (const [name, value] of vars) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      skipped.push(name);
      continue;
    }
    if (typeof value === 'string' && /^\s*\$\{\{[\s\S]*\}\}\s*$/.test(value) && value.indexOf('${{') === value.lastIndexOf('${{')) lines.push(`${name} = ${value.trim()}`);
    else if (typeof value === 'string' && value.includes('${{')) skipped.push(name);
    else lines.push(`${name} = ${pythonLiteral(value)}`);
  }
  return { code: lines.length > 0 ? `# ddeutil-workflow vars:\n${lines.join('\n')}\n` : '', skipped };
}

function pythonLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  return JSON.stringify(value);
}

/**
 * A ddeutil condition (`${{ x }} == 1`, `'${{ x }}' == 'a'`, `False`) as one wf expression
 * (`${{ x == 1 }}`); undefined when it already is one or has forms this does not know.
 */
export function convertCondition(text: string): string | undefined {
  const trimmed = text.trim();
  if (/^\$\{\{[\s\S]*\}\}$/.test(trimmed) && trimmed.indexOf('${{') === trimmed.lastIndexOf('${{')) {
    const inner = trimmed.slice(3, -2);
    const converted = pythonOperators(inner);
    return converted === inner ? undefined : `\${{${converted}}}`;
  }
  // Quoted expressions are the value as a string, the others the value itself.
  const body = trimmed.replace(/(['"])\$\{\{\s*([^'"]*?)\s*\}\}\1/g, '$2').replace(EXPR, (_m, inner: string) => inner.trim());
  if (/\$\{\{|\{\{|\}\}|[`;]/.test(body)) return undefined;
  return `\${{ ${pythonOperators(body)} }}`;
}

function pythonOperators(text: string): string {
  // Outside quoted strings only; double-quoted strings become single-quoted.
  return text
    .split(/('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")/)
    .map((part, i) => {
      if (i % 2 === 1) return part.startsWith('"') ? `'${part.slice(1, -1).replace(/'/g, "''")}'` : part;
      return part
        .replace(/\bTrue\b/g, 'true')
        .replace(/\bFalse\b/g, 'false')
        .replace(/\bNone\b/g, 'null')
        .replace(/\band\b/g, '&&')
        .replace(/\bor\b/g, '||')
        .replace(/\bnot\s+/g, '!');
    })
    .join('');
}
