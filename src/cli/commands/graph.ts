import type { GraphFormat } from '../../api/graph.js';
import { reportError } from '../errors.js';
import { locations, type LocationFlags } from './shared.js';

export async function cmdGraph(flags: LocationFlags & { format: GraphFormat }, name: string): Promise<number> {
  try {
    const [{ loadPipeline }, { renderGraph }] = await Promise.all([import('../../api/run.js'), import('../../api/graph.js')]);
    const { pipeline } = await loadPipeline(locations(flags), name);
    process.stdout.write(renderGraph(pipeline, flags.format));
    return 0;
  } catch (e) {
    return reportError(e);
  }
}
