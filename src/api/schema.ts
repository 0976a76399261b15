import { z } from 'zod';
import { onSchema, pipelineSchema } from '../model/schema.js';

/**
 * The JSON Schema of a conf/ file (a map of template name → Pipeline or On template), made from
 * the same zod model the loader validates with, for editors (yaml-language-server) and tools.
 * @example JSON.stringify(confJsonSchema(), null, 2)
 */
export function confJsonSchema(): Record<string, unknown> {
  const file = z
    .record(z.string(), z.union([pipelineSchema.describe('A pipeline: jobs of stages, params, schedules (`type: Pipeline`).'), onSchema.describe('A cron schedule pipelines name in `on:` (`type: On`).')]))
    .describe('A wf conf/ file: a map of template names to templates.');
  const schema = z.toJSONSchema(file, { unrepresentable: 'any', io: 'input' }) as Record<string, unknown>;
  return {
    ...schema,
    $id: 'https://wf-runner.dev/schema/wf-conf.schema.json',
    title: 'wf conf/ file',
    examples: [{ 'hello-world': { type: 'Pipeline', params: { name: { type: 'str', default: 'World' } }, jobs: { greet: { stages: [{ echo: 'Hello, ${{ params.name }}!' }] } } } }],
  };
}
