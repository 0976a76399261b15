/** How one matrix value reads inside an instance key: strings bare, everything else as JSON. */
function renderValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return 'undefined';
  if (typeof value === 'bigint') return value.toString();
  return JSON.stringify(value) ?? String(value);
}

/**
 * The display key of a job instance: the job id, then the cell's values in axis order followed by
 * include-only keys in the cell's own order. Uniqueness (` #2`) is planJobs' business.
 *
 * @example instanceKey('build', { table: 'orders', region: 'eu' }, ['region', 'table']) // 'build (eu, orders)'
 */
export function instanceKey(jobId: string, cell: Record<string, unknown> | null, axes: string[]): string {
  if (cell === null) return jobId;
  const values: string[] = [];
  for (const axis of axes) {
    if (Object.hasOwn(cell, axis)) values.push(renderValue(cell[axis]));
  }
  const axisSet = new Set(axes);
  for (const [key, value] of Object.entries(cell)) {
    if (!axisSet.has(key)) values.push(renderValue(value));
  }
  return values.length === 0 ? jobId : `${jobId} (${values.join(', ')})`;
}
