import type { TriggerRule } from '../model/types.js';
import type { NodeStatus } from '../store/types.js';

/** Airflow's trigger rules over the final statuses of a job's needs (`one_*` = at least one). */
export function triggerRuleMet(rule: TriggerRule, upstream: NodeStatus[]): boolean {
  if (upstream.length === 0) return true;
  const count = (s: NodeStatus) => upstream.filter((u) => u === s).length;
  const failed = count('failed') + count('upstream_failed') + count('cancelled');
  switch (rule) {
    case 'all_success':
      return count('success') === upstream.length;
    case 'all_done':
      return true;
    case 'all_failed':
      return failed === upstream.length;
    case 'one_success':
      return count('success') > 0;
    case 'one_failed':
      return failed > 0;
    case 'none_failed':
      return failed === 0;
    case 'none_skipped':
      return count('skipped') === 0;
  }
}
