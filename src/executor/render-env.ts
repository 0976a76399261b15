import { renderDeep, toText, type ExprContext, type RenderOptions } from '../template/index.js';

/** Renders an `env:` map to strings (null → empty). */
export function renderEnv(env: Record<string, unknown>, ctx: ExprContext, opts?: RenderOptions): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) out[k] = toText(renderDeep(v, ctx, opts));
  return out;
}
