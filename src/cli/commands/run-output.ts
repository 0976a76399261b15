import type { RunEvent } from '../../executor/run-events.js';
import type { RunRecord } from '../../store/types.js';
import { lineLogRenderer } from '../render/line-log.js';
import { liveTreeRenderer } from '../render/live-tree.js';
import { printJson } from './shared.js';

/** Exit codes of a finished (or paused) run. */
export const EXIT: Record<string, number> = { success: 0, failed: 1, cancelled: 130, interrupted: 130, paused: 3 };

export interface RunView {
  onEvent?: (e: RunEvent) => void;
  /** Where a message during the run goes (Ctrl-C's "cancelling"); undefined: stderr. */
  say?: (text: string) => void;
}

/** How `wf run`/`retry`/`resume` show a run as it goes: nothing with --json, a live tree on a terminal, lines otherwise. */
export function runView(json: boolean | undefined): RunView {
  if (json) return {};
  return process.stdout.isTTY && !process.env.CI ? liveTreeRenderer() : { onEvent: lineLogRenderer() };
}

/** The end of a run command: the JSON document, what a paused run waits for, and the exit code. */
export async function finishRun(run: RunRecord, state: string, json: boolean | undefined): Promise<number> {
  if (json) {
    const { runDetails } = await import('../../api/history.js');
    printJson(runDetails(state, run.id));
  }
  if (run.status === 'paused') {
    const { describePause } = await import('../render/pause.js');
    process.stderr.write(describePause(run));
  }
  return EXIT[run.status] ?? 1;
}
