import { isMap, isScalar, isSeq, type Document, type LineCounter, type Pair, type YAMLMap } from 'yaml';

/** Small in-place edits of a parsed YAML document that keep comments and the order of keys. */

export function pairOf(map: unknown, key: string): Pair | undefined {
  if (!isMap(map)) return undefined;
  return map.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
}

export function valueOf(map: unknown, key: string): unknown {
  return pairOf(map, key)?.value;
}

/** The plain value of a scalar node (or undefined). */
export function scalar(node: unknown): unknown {
  return isScalar(node) ? node.value : undefined;
}

/** Renames `from` to `to` in place (its value, comments and position kept); false when absent or `to` exists. */
export function renameKey(map: unknown, from: string, to: string): boolean {
  const pair = pairOf(map, from);
  if (!pair || pairOf(map, to) || !isScalar(pair.key)) return false;
  pair.key.value = to;
  return true;
}

export function deleteKey(map: unknown, key: string): boolean {
  return isMap(map) ? map.delete(key) : false;
}

/** Sets `key` to `value` (a plain JS value), after `after` when it is a key of the map, else last. */
export function setKey(doc: Document, map: YAMLMap, key: string, value: unknown, after?: string): void {
  const existing = pairOf(map, key);
  const node = doc.createNode(value);
  if (existing) {
    existing.value = node;
    return;
  }
  const pair = doc.createPair(key, node);
  const index = after ? map.items.findIndex((p) => isScalar(p.key) && String(p.key.value) === after) : -1;
  if (index === -1) map.items.push(pair);
  else map.items.splice(index + 1, 0, pair);
}

export function mapEntries(node: unknown): Array<[string, unknown]> {
  return isMap(node) ? node.items.flatMap((p) => (isScalar(p.key) ? [[String(p.key.value), p.value] as [string, unknown]] : [])) : [];
}

export function seqItems(node: unknown): unknown[] {
  return isSeq(node) ? node.items : [];
}

/** 1-based line and column of a node or key in the original text. */
export function where(lines: LineCounter, node: unknown): { line: number; col: number } {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range ? lines.linePos(range[0]) : { line: 1, col: 1 };
}
