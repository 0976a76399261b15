import type { CompiledTemplate, ExprNode } from './ast.js';

/** A static access chain: `params.run-date` → `{context: 'params', path: ['run-date']}`. */
export interface ExprRef {
  context: string;
  path: Array<string | number>;
}

/**
 * Every context reference in a template, including those inside function and filter arguments.
 * A path stops at the first dynamic index (`params.x[matrix.i].y` → `params.x` and `matrix.i`).
 * `needs` is reported as `jobs`, its canonical name.
 */
export function collectRefs(t: CompiledTemplate): ExprRef[] {
  const refs: ExprRef[] = [];
  for (const part of t.parts) if (typeof part !== 'string') walk(part, refs);
  return refs;
}

function walk(node: ExprNode, refs: ExprRef[]): void {
  switch (node.kind) {
    case 'literal':
      return;
    case 'context':
      refs.push({ context: node.name, path: [] });
      return;
    case 'member':
      return walkMember(node, refs);
    case 'not':
      return walk(node.operand, refs);
    case 'compare':
    case 'logical':
      walk(node.left, refs);
      return walk(node.right, refs);
    case 'call':
      for (const a of node.args) walk(a, refs);
      return;
    case 'filter':
      walk(node.input, refs);
      for (const a of node.args) walk(a, refs);
  }
}

function walkMember(node: ExprNode, refs: ExprRef[]): void {
  const properties: ExprNode[] = [];
  let base = node;
  while (base.kind === 'member') {
    properties.unshift(base.property);
    base = base.object;
  }
  if (base.kind !== 'context') {
    walk(base, refs);
    for (const p of properties) walk(p, refs);
    return;
  }
  const ref: ExprRef = { context: base.name, path: [] };
  refs.push(ref); // before the refs inside dynamic indexes, so refs come in reading order
  let dynamic = false;
  for (const p of properties) {
    if (!dynamic && p.kind === 'literal' && (typeof p.value === 'string' || typeof p.value === 'number')) {
      ref.path.push(p.value);
    } else {
      dynamic = true;
      walk(p, refs);
    }
  }
}
