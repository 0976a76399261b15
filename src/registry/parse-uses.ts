import { WfError } from '../errors/index.js';
import type { UsesRef } from './types.js';

const FORM = 'module/hook@tag, e.g. sales/fetch@v1 (the @tag is optional)';
const SEGMENT = /^[A-Za-z0-9_][\w.-]*$/;
const TAG = /^[\w][\w.+-]*$/;

/**
 * Splits `uses:` into module path, hook name and tag; refuses anything that could leave a registry root.
 * @example parseUses('sales/fetch@v1') // → { module: 'sales', hook: 'fetch', tag: 'v1', raw: 'sales/fetch@v1' }
 */
export function parseUses(raw: string): UsesRef {
  if (typeof raw !== 'string' || raw.trim() === '') {
    throw new WfError('E_TYPE', 'uses: needs a hook reference', { hint: FORM });
  }
  const at = raw.indexOf('@');
  const path = at === -1 ? raw : raw.slice(0, at);
  const tag = at === -1 ? undefined : raw.slice(at + 1);
  checkEscape(raw, path);
  const segments = path.split('/');
  if (segments.length < 2) {
    throw new WfError('E_TYPE', `uses: '${raw}' names no module`, { hint: FORM });
  }
  const bad = segments.find((s) => !SEGMENT.test(s));
  if (bad !== undefined) {
    throw new WfError('E_TYPE', `uses: '${raw}' has a bad name '${bad}' (letters, digits, _ . - only)`, { hint: FORM });
  }
  if (tag !== undefined && !TAG.test(tag)) {
    throw new WfError('E_TYPE', `uses: '${raw}' has a bad tag '${tag}'`, { hint: FORM });
  }
  const hook = segments.pop()!;
  return { module: segments.join('/'), hook, ...(tag === undefined ? {} : { tag }), raw };
}

/** Path tricks are refused before anything touches the file system. */
function checkEscape(raw: string, path: string): void {
  const escape = (why: string): never => {
    throw new WfError('E_REGISTRY_ESCAPE', `uses: '${raw}' ${why}; a hook must live inside a registry root`, { hint: FORM });
  };
  if (path.includes('\\')) escape('contains a backslash');
  if (/^[A-Za-z]:/.test(path)) escape('starts with a drive letter');
  if (path.startsWith('/')) escape('is an absolute path');
  if (path.includes('\0')) escape('contains a NUL byte');
  const segments = path.split('/');
  if (segments.some((s) => s === '..')) escape("climbs out with '..'");
  if (segments.some((s) => s === '.')) escape("contains a '.' segment");
  if (segments.some((s) => s === '')) escape('has an empty path segment');
}
