import type { Stage } from '../../model/types.js';
import { reportError } from '../errors.js';
import { out } from '../style.js';
import { locations, printJson, type LocationFlags } from './shared.js';

export async function cmdShow(flags: LocationFlags & { json?: boolean }, name: string): Promise<number> {
  try {
    const [{ loadPipeline }, { renderGraph }, { summarise }] = await Promise.all([import('../../api/run.js'), import('../../api/graph.js'), import('../../api/list.js')]);
    const { pipeline } = await loadPipeline(locations(flags), name);
    if (flags.json) {
      // A secret's default is as secret as a value given with -p.
      const params = Object.fromEntries(Object.entries(pipeline.params).map(([k, p]) => [k, p.type === 'secret' && p.default !== undefined ? { ...p, default: '***' } : p]));
      printJson({ ...pipeline, params, next: summarise(pipeline).schedules });
      return 0;
    }
    const s = summarise(pipeline);
    const lines = [`${out.bold(pipeline.name)}  ${out.dim(s.file)}`];
    if (pipeline.desc) lines.push(pipeline.desc);
    lines.push('', out.bold('params'));
    for (const p of s.params) lines.push(`  ${p.name}: ${p.type}${p.required ? ' (required)' : ` = ${JSON.stringify(p.default)}`}`);
    if (s.params.length === 0) lines.push('  (none)');
    if (s.schedules.length) {
      lines.push('', out.bold('schedules'));
      for (const x of s.schedules) lines.push(`  ${x.name ?? 'inline'}: ${x.cron} (${x.timezone}), next ${x.next ?? '-'}`);
      lines.push(`  catchup ${pipeline.schedule.catchup}, concurrency ${pipeline.schedule.concurrency}`);
    }
    lines.push('', out.bold('jobs'));
    for (const job of pipeline.jobs) {
      lines.push(`  ${out.bold(job.id)}${job.needs.length ? `  needs ${job.needs.join(', ')}` : ''}${typeof job.if === 'string' ? `  if ${job.if}` : ''}${job.matrix ? '  (matrix)' : ''}`);
      job.stages.forEach((st, i) => lines.push(`    ${i}. ${describe(st)}`));
    }
    lines.push('', out.bold('graph'), renderGraph(pipeline, 'ascii'));
    process.stdout.write(`${lines.join('\n')}`);
    return 0;
  } catch (e) {
    return reportError(e, flags.json);
  }
}

function describe(st: Stage): string {
  const id = st.id ? ` (id ${st.id})` : '';
  switch (st.kind) {
    case 'run': return `${st.name}${id} [run]`;
    case 'uses': return `${st.name}${id} [uses ${st.uses}]`;
    default: return `${st.name}${id} [${st.kind}]`;
  }
}
