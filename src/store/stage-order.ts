import type { StageRecord } from './types.js';

/** Compares dotted stage paths segment by segment, numerically where both are numbers ("2" < "10" < "10.0"). */
export function comparePaths(a: string, b: string): number {
  const as = a.split('.');
  const bs = b.split('.');
  for (let i = 0; i < Math.min(as.length, bs.length); i++) {
    const x = as[i];
    const y = bs[i];
    if (x === y) continue;
    const nx = Number(x);
    const ny = Number(y);
    if (x !== '' && y !== '' && Number.isInteger(nx) && Number.isInteger(ny)) return nx - ny;
    return x < y ? -1 : 1;
  }
  return as.length - bs.length;
}

/**
 * Orders stages for display: jobs in the order their first stage was written, and within a
 * job by path, so nested stages follow their parent. Expects `stages` in write order.
 */
export function sortStages(stages: StageRecord[]): StageRecord[] {
  const jobOrder = new Map<string, number>();
  for (const s of stages) if (!jobOrder.has(s.jobKey)) jobOrder.set(s.jobKey, jobOrder.size);
  return stages.sort((a, b) => jobOrder.get(a.jobKey)! - jobOrder.get(b.jobKey)! || comparePaths(a.path, b.path));
}
