import { createRequire } from 'node:module';
import type { Pipeline } from './types.js';

type Crypto = typeof import('node:crypto');
let crypto: Crypto | undefined;

/** Hex digest of `text`. node:crypto is loaded on first use: a run whose model comes from the cache hashes nothing (~5 ms at start-up). */
export function digest(algorithm: 'sha1' | 'sha256', text: string): string {
  crypto ??= createRequire(import.meta.url)('node:crypto') as Crypto;
  return crypto.createHash(algorithm).update(text).digest('hex');
}

export interface PipelineHashes {
  modelHash: string;
  jobHashes: Record<string, string>;
}

const known = new WeakMap<Pipeline, PipelineHashes>();

/** Hashes of the compiled pipeline and of each job, without source positions (moving lines is no change). */
export function hashPipeline(pipeline: Pipeline): PipelineHashes {
  let hashes = known.get(pipeline);
  if (hashes) return hashes;
  const text = (value: unknown) => JSON.stringify(value, (k, v: unknown) => (k === 'loc' || k === 'withLocs' || k === 'file' ? undefined : v)) ?? '';
  const hash = (value: unknown) => digest('sha256', text(value)).slice(0, 16);
  const jobHashes: Record<string, string> = {};
  for (const job of pipeline.jobs) jobHashes[job.id] = hash(job);
  if (pipeline.onFailure) jobHashes['(on-failure)'] = hash(pipeline.onFailure);
  jobHashes['(params)'] = hash(pipeline.params);
  jobHashes['(env)'] = hash(pipeline.env);
  // The model's hash is the hash of its parts' hashes: each part is serialised once.
  hashes = { modelHash: hash(jobHashes), jobHashes };
  known.set(pipeline, hashes);
  return hashes;
}

/** Hashes `hashPipeline` computed for this pipeline before (the compiled-model cache keeps them beside the model). */
export function rememberHashes(pipeline: Pipeline, hashes: PipelineHashes): void {
  known.set(pipeline, hashes);
}
