import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { resolveLocations, type Locations } from '../../api/options.js';
import { WfError } from '../../errors/index.js';
import { err } from '../style.js';

export interface LocationFlags {
  conf?: string;
  registry?: string;
  state?: string;
}

export function locations(flags: LocationFlags): Locations {
  return resolveLocations({ conf: flags.conf, registry: flags.registry, state: flags.state });
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Reads `--params-file` (.json, .yml or .yaml) into a map. */
export async function readParamsFile(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new WfError('E_USAGE', `cannot read params file '${file}'`, { hint: 'check the path given to --params-file' });
  }
  let data: unknown;
  try {
    data = extname(file) === '.json' ? JSON.parse(text) : (await import('yaml')).parse(text);
  } catch (e) {
    // The parser's message quotes the text, which may hold a secret: say where, not what.
    const message = (e as Error).message;
    const at = /position (\d+)|line (\d+)/.exec(message);
    const where = at ? (at[1] ? ` (at character ${Number(at[1]) + 1})` : ` (at line ${at[2]})`) : '';
    throw new WfError('E_USAGE', `params file '${file}' is not valid ${extname(file) === '.json' ? 'JSON' : 'YAML'}${where}`, { hint: 'it must hold one map of param names to values' });
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    throw new WfError('E_USAGE', `params file '${file}' must hold a map of param names to values`, { hint: '{"region": "eu", "limit": 10}' });
  }
  return data as Record<string, unknown>;
}

export function ago(iso: string | null, now = Date.now()): string {
  if (!iso) return '-';
  const s = Math.round((now - Date.parse(iso)) / 1000);
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.round(s / 60)}m ago`;
  if (s < 86400) return `${Math.round(s / 3600)}h ago`;
  return iso.slice(0, 16).replace('T', ' ');
}

export function table(rows: string[][], widths?: number[]): string {
  const w = widths ?? rows[0]!.map((_, i) => Math.max(...rows.map((r) => visibleLength(r[i] ?? ''))));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell + ' '.repeat(Math.max(0, w[i]! - visibleLength(cell))))).join('  ')).join('\n');
}

function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, '').length;
}

/** The signals that cancel a run the same way: Ctrl-C, kill, a closed terminal, Ctrl-\\. */
const CANCEL_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];

/**
 * Runs `fn` with an AbortSignal that the first of those signals aborts (the run is cancelled and
 * recorded); a second one exits at once (exit 130), still recording the run as cancelled.
 */
export async function withCancelSignals<T>(fn: (signal: AbortSignal) => Promise<T>, say?: (text: string) => void): Promise<T> {
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (!controller.signal.aborted) {
      const text = `cancelling (${sig}): stopping running stages (again to force)`;
      if (say) say(text);
      else process.stderr.write(err.yellow(`\n${text}\n`));
      controller.abort();
    } else process.exit(130);
  };
  for (const sig of CANCEL_SIGNALS) process.on(sig, onSignal);
  try {
    return await fn(controller.signal);
  } finally {
    for (const sig of CANCEL_SIGNALS) process.off(sig, onSignal);
  }
}
