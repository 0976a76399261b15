/**
 * A message for anything code can throw: an Error, a string, `Object.create(null)`, a Proxy whose
 * every trap throws. Never throws itself.
 */
export function describeThrown(value: unknown): string {
  try {
    if (value instanceof Error) return String(value.message);
  } catch {
    // a Proxy may throw on instanceof or on .message
  }
  try {
    if (typeof value === 'string') return value;
    if (value === null || value === undefined || typeof value !== 'object') return String(value);
    const json = JSON.stringify(value);
    if (json !== undefined && json !== '{}') return json;
  } catch {
    // fall through
  }
  try {
    const tag = Object.prototype.toString.call(value);
    return tag === '[object Object]' ? 'an object with no message' : tag;
  } catch {
    return 'a value that cannot be described';
  }
}
