import { z } from 'zod';

/**
 * The shape of SPEC §2 as written in YAML (before compilation). Types and keys only: rules that
 * span several fields (a stage's kind, references, cron) are checked by the loader's compile step,
 * which reports them with the same diagnostics.
 */

const duration = z.union([z.string(), z.number().nonnegative()]);
const expr = z.union([z.string(), z.boolean()]);
const envMap = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));
const anyValue = z.unknown();

export const retrySchema = z.strictObject({
  attempts: z.number().int().min(1),
  delay: duration.optional(),
  backoff: z.enum(['fixed', 'exponential']).optional(),
  'max-delay': duration.optional(),
});

export const scheduleEntrySchema = z.union([
  z.string(),
  z.strictObject({ cron: z.string(), timezone: z.string().optional() }),
  z.strictObject({ after: z.string(), status: z.enum(['success', 'failure', 'any']).optional() }),
]);

export const paramSpecSchema = z.union([
  z.string(),
  z.strictObject({
    type: z.string(),
    default: anyValue.optional(),
    options: z.array(anyValue).optional(),
    desc: z.string().optional(),
  }),
]);

const stageCommon = {
  name: z.string().optional(),
  id: z.string().optional(),
  if: expr.optional(),
  env: envMap.optional(),
  timeout: duration.optional(),
  retry: retrySchema.optional(),
  'continue-on-error': expr.optional(),
};

export interface RawStage {
  [key: string]: unknown;
}

// Every stage kind's keys are optional here; the compile step enforces "exactly one kind".
export const stageSchema: z.ZodType<RawStage> = z.lazy(() =>
  z.strictObject({
    ...stageCommon,
    echo: anyValue.optional(),
    sleep: duration.optional(),
    run: z.string().optional(),
    bash: z.string().optional(),
    shell: z.string().optional(),
    uses: z.string().optional(),
    with: z.record(z.string(), anyValue).optional(),
    trigger: z.string().optional(),
    params: z.record(z.string(), anyValue).optional(),
    foreach: anyValue.optional(),
    concurrency: z.number().int().min(1).optional(),
    stages: z.array(stageSchema).optional(),
    parallel: z.record(z.string(), z.array(stageSchema)).optional(),
    'max-parallel': z.number().int().min(1).optional(),
    case: anyValue.optional(),
    match: z
      .array(
        z.strictObject({
          case: anyValue.optional(),
          else: z.array(stageSchema).optional(),
          stages: z.array(stageSchema).optional(),
        }),
      )
      .optional(),
    until: expr.optional(),
    'max-loop': z.number().int().min(1).optional(),
    input: z
      .strictObject({
        prompt: z.string().optional(),
        schema: z.record(z.string(), paramSpecSchema).optional(),
      })
      .optional(),
    raise: anyValue.optional(),
  }),
);

const matrixEntries = z.union([z.array(z.record(z.string(), anyValue)), z.string()]);

// SPEC §2.3: include/exclude under matrix: (GitHub's place) or under strategy: (ddeutil-workflow's).
export const strategySchema = z.strictObject({
  matrix: z
    .union([
      z.string(),
      z.looseObject({
        include: matrixEntries.optional(),
        exclude: matrixEntries.optional(),
      }),
    ])
    .optional(),
  include: matrixEntries.optional(),
  exclude: matrixEntries.optional(),
  'max-parallel': z.number().int().min(1).optional(),
  'fail-fast': z.boolean().optional(),
});

export const TRIGGER_RULES = [
  'all_success',
  'all_done',
  'all_failed',
  'one_success',
  'one_failed',
  'none_failed',
  'none_skipped',
] as const;

const jobFields = {
  name: z.string().optional(),
  needs: z.union([z.string(), z.array(z.string())]).optional(),
  if: expr.optional(),
  'trigger-rule': z.enum(TRIGGER_RULES).optional(),
  strategy: strategySchema.optional(),
  timeout: duration.optional(),
  retry: retrySchema.optional(),
  'continue-on-error': expr.optional(),
  env: envMap.optional(),
  outputs: z.record(z.string(), anyValue).optional(),
  stages: z.array(stageSchema),
};

export const jobSchema = z.strictObject(jobFields);

export const onFailureSchema = z.strictObject({
  env: envMap.optional(),
  stages: z.array(stageSchema),
});

export const pipelineSchema = z.strictObject({
  type: z.enum(['Pipeline', 'Workflow']),
  desc: z.string().optional(),
  on: z.union([scheduleEntrySchema, z.array(scheduleEntrySchema)]).optional(),
  schedule: z
    .strictObject({
      catchup: z.enum(['latest', 'all', 'none']).optional(),
      'skip-delayed-by': duration.optional(),
      concurrency: z.enum(['allow', 'forbid', 'replace', 'queue']).optional(),
    })
    .optional(),
  params: z.record(z.string(), paramSpecSchema).optional(),
  env: envMap.optional(),
  jobs: z.record(z.string(), jobSchema),
  'on-failure': onFailureSchema.optional(),
});

export const onSchema = z.strictObject({
  type: z.literal('On'),
  desc: z.string().optional(),
  cron: z.string(),
  timezone: z.string().optional(),
});

export const TEMPLATE_TYPES = ['Pipeline', 'Workflow', 'On'] as const;

export type RawPipeline = z.infer<typeof pipelineSchema>;
export type RawOn = z.infer<typeof onSchema>;
export type RawJob = z.infer<typeof jobSchema>;
