import type { PauseInfo } from '../../executor/protocol.js';
import type { RunRecord } from '../../store/types.js';
import { err } from '../style.js';

/** What a paused run waits for, and the command that continues it (on stderr: stdout may be JSON). */
export function describePause(run: RunRecord): string {
  const pauses = (run.context?.pauses as PauseInfo[] | undefined) ?? [];
  const lines = [err.yellow(`‖ run ${run.id} is paused, waiting for input`)];
  const example: string[] = [];
  for (const p of pauses) {
    lines.push(`  ${err.bold(p.jobKey)} stage ${p.stageId ?? p.path}: ${p.prompt}`);
    for (const [field, spec] of Object.entries(p.schema)) {
      const s = spec as { type: string; options?: unknown[]; default?: unknown };
      const type = s.options ? `${s.type} (${s.options.join(' | ')})` : s.type;
      lines.push(`    ${field}: ${type}${s.default !== undefined ? ` = ${JSON.stringify(s.default)}` : ''}`);
      example.push(`-i ${field}=<${s.type}>`);
    }
  }
  lines.push(`  continue with: wf resume ${run.id} ${example.join(' ')}`);
  return `${lines.join('\n')}\n`;
}
