import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach } from 'vitest';
import { STORE_FILE } from '../../src/store/index.js';
import type { AttemptRecord, EventRecord, JobRecord, LogRecord, ProcessRecord, RunRecord, StageRecord } from '../../src/store/index.js';

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

export function attempt(over: Partial<AttemptRecord> = {}): AttemptRecord {
  return {
    runId: 'r1',
    jobKey: 'extract',
    stagePath: '',
    attempt: 1,
    status: 'running',
    startedAt: '2025-01-01T00:00:01.000Z',
    endedAt: null,
    outputs: null,
    error: null,
    ...over,
  };
}

export function event(over: Partial<Omit<EventRecord, 'seq'>> = {}): Omit<EventRecord, 'seq'> {
  return {
    runId: 'r1',
    ts: '2025-01-01T00:00:04.000Z',
    type: 'stage-start',
    jobKey: 'extract',
    stagePath: '0',
    stream: null,
    text: null,
    data: null,
    ...over,
  };
}

export function proc(over: Partial<ProcessRecord> = {}): ProcessRecord {
  return { runId: 'r1', jobKey: 'extract', stagePath: '0', pid: 4242, start: 'boot:1', host: 'h1', ...over };
}

/** The `processes` table as a second connection sees it (the Store has no reader for it). */
export function storedProcesses(stateDir: string): { run_id: string; pid: number }[] {
  const db = new Database(path.join(stateDir, STORE_FILE), { readonly: true });
  try {
    return db.prepare('SELECT run_id, pid FROM processes ORDER BY run_id, pid').all() as { run_id: string; pid: number }[];
  } finally {
    db.close();
  }
}
