import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import type { JobRecord, LogRecord, RunRecord, StageRecord } from '../../src/store/index.js';

const dirs: string[] = [];

/** A fresh temp directory, removed after the test. */
export function tmpDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-store-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

export function run(over: Partial<RunRecord> = {}): RunRecord {
  return {
    id: 'r1',
    pipeline: 'etl',
    status: 'running',
    params: { day: '2025-01-01', n: 3 },
    release: null,
    attempt: 1,
    trigger: 'manual',
    parentRunId: null,
    startedAt: '2025-01-01T00:00:00.000Z',
    endedAt: null,
    error: null,
    pid: null,
    owner: null,
    heartbeatAt: null,
    cancelRequestedAt: null,
    modelHash: null,
    jobHashes: null,
    context: null,
    ...over,
  };
}

export function job(over: Partial<JobRecord> = {}): JobRecord {
  return {
    runId: 'r1',
    key: 'extract',
    jobId: 'extract',
    matrix: null,
    status: 'running',
    startedAt: '2025-01-01T00:00:01.000Z',
    endedAt: null,
    outputs: null,
    error: null,
    attempt: 1,
    ...over,
  };
}

export function stage(over: Partial<StageRecord> = {}): StageRecord {
  return {
    runId: 'r1',
    jobKey: 'extract',
    path: '0',
    stageId: null,
    name: 'step',
    kind: 'shell',
    status: 'running',
    startedAt: '2025-01-01T00:00:02.000Z',
    endedAt: null,
    outputs: null,
    error: null,
    attempt: 1,
    ...over,
  };
}

export function log(over: Partial<LogRecord> = {}): LogRecord {
  return {
    runId: 'r1',
    jobKey: 'extract',
    stagePath: '0',
    ts: '2025-01-01T00:00:03.000Z',
    stream: 'stdout',
    text: 'hello',
    ...over,
  };
}
