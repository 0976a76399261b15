import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, STORE_FILE, type EventRecord, type Store } from '../../src/store/index.js';
import { event, log, run, tmpDir } from './helpers.js';

let store: Store;
afterEach(() => store?.close());

/** Two runs writing events and log lines interleaved, over two batches. */
function seed(): void {
  store.apply([
    { op: 'run', run: run({ id: 'r1' }) },
    { op: 'run', run: run({ id: 'r2' }) },
    { op: 'event', event: event({ runId: 'r1', type: 'run-start', jobKey: null, stagePath: null, data: { pipeline: 'etl', attempt: 1 } }) },
    { op: 'log', log: log({ runId: 'r1', text: 'one' }) },
    { op: 'event', event: event({ runId: 'r2', type: 'run-start', jobKey: null, stagePath: null }) },
    { op: 'log', log: log({ runId: 'r2', text: 'other' }) },
  ]);
  store.apply([
    { op: 'event', event: event({ runId: 'r1', type: 'stage-end', text: 'not a log line', data: { status: 'success', outputs: { n: [1, 2] } } }) },
    { op: 'log', log: log({ runId: 'r1', jobKey: 'load', stagePath: '2.0', stream: 'stderr', text: 'two' }) },
    { op: 'event', event: event({ runId: 'r1', type: 'run-end', jobKey: null, stagePath: null, data: { status: 'success' } }) },
  ]);
}

const brief = (events: EventRecord[]) => events.map((e) => [e.type, e.text]);

describe('getEvents', () => {
  it('returns a run’s events in write order, with a sequence rising across the whole store', () => {
    store = openStore(tmpDir());
    seed();
    const r1 = store.getEvents('r1');
    expect(brief(r1)).toEqual([['run-start', null], ['log', 'one'], ['stage-end', 'not a log line'], ['log', 'two'], ['run-end', null]]);
    const r2 = store.getEvents('r2');
    expect(brief(r2)).toEqual([['run-start', null], ['log', 'other']]);
    const seqs = r1.map((e) => e.seq);
    expect(seqs.every((s, i) => i === 0 || s > seqs[i - 1]!)).toBe(true);
    // r2 wrote between r1's second and third event.
    expect(r2[0]!.seq).toBeGreaterThan(r1[1]!.seq);
    expect(r2[1]!.seq).toBeLessThan(r1[2]!.seq);
    expect(r1[2]).toEqual({ ...event({ runId: 'r1', type: 'stage-end', text: 'not a log line', data: { status: 'success', outputs: { n: [1, 2] } } }), seq: r1[2]!.seq });
  });

  it('returns only the events after a given seq, at most `limit` of them', () => {
    store = openStore(tmpDir());
    seed();
    const all = store.getEvents('r1');
    expect(store.getEvents('r1', all[1]!.seq)).toEqual(all.slice(2));
    expect(store.getEvents('r1', all[4]!.seq)).toEqual([]);
    expect(store.getEvents('r1', 0, 2)).toEqual(all.slice(0, 2));
    // A follower reading in pages gets every event once, in order.
    const paged: EventRecord[] = [];
    for (let page = store.getEvents('r1', 0, 2); page.length > 0; page = store.getEvents('r1', paged.at(-1)!.seq, 2)) paged.push(...page);
    expect(paged).toEqual(all);
    expect(store.getEvents('nope')).toEqual([]);
  });

  it('shows a follower (a readonly store) what an open writer adds after the seq it has read', () => {
    const dir = tmpDir();
    store = openStore(dir);
    seed();
    const follower = openStore(dir, { readonly: true });
    try {
      const seen = follower.getEvents('r1');
      store.apply([{ op: 'log', log: log({ runId: 'r1', text: 'three' }) }]);
      expect(brief(follower.getEvents('r1', seen.at(-1)!.seq))).toEqual([['log', 'three']]);
    } finally {
      follower.close();
    }
  });
});

describe('a stretch of events', () => {
  /** r1: three events, a log line, two events with r2's event written between them. */
  function stretches(): void {
    store.apply([
      { op: 'run', run: run({ id: 'r1' }) },
      { op: 'run', run: run({ id: 'r2' }) },
      { op: 'event', event: event({ type: 'run-start', jobKey: null, stagePath: null, data: { pipeline: 'etl', attempt: 1 } }) },
      { op: 'event', event: event({ type: 'job-start', stagePath: null }) },
      { op: 'stage', stage: { runId: 'r1', jobKey: 'extract', path: '0', stageId: null, name: 'pull', kind: 'run', status: 'running', startedAt: '2025-01-01T00:00:04.000Z', endedAt: null, outputs: null, error: null } },
      { op: 'event', event: event({ type: 'stage-start', data: { name: 'pull', kind: 'run' } }) },
      { op: 'log', log: log({ runId: 'r1', text: 'pulled 3 rows' }) },
      { op: 'event', event: event({ type: 'stage-end', data: { status: 'success', outputs: { rows: [1, 2, 3] } } }) },
      { op: 'event', event: event({ runId: 'r2', type: 'run-start', jobKey: null, stagePath: null }) },
      { op: 'event', event: event({ type: 'job-end', stagePath: null, data: { status: 'success' } }) },
    ]);
  }

  it('reads back event by event, in write order around the log line, each with a seq of its own', () => {
    const dir = tmpDir();
    store = openStore(dir);
    stretches();
    store.apply([
      { op: 'event', event: event({ type: 'notice', jobKey: null, stagePath: null, text: 'late', data: null }) },
      { op: 'event', event: event({ type: 'run-end', jobKey: null, stagePath: null, data: { status: 'success' } }) },
    ]);
    const r1 = store.getEvents('r1');
    expect(brief(r1)).toEqual([['run-start', null], ['job-start', null], ['stage-start', null], ['log', 'pulled 3 rows'], ['stage-end', null], ['job-end', null], ['notice', 'late'], ['run-end', null]]);
    expect(r1[4]).toEqual({ ...event({ type: 'stage-end', data: { status: 'success', outputs: { rows: [1, 2, 3] } } }), seq: r1[4]!.seq });
    const seqs = r1.map((e) => e.seq);
    expect(seqs.every((s, i) => i === 0 || s > seqs[i - 1]!)).toBe(true);
    // r2's event was written between r1's stage-end and job-end.
    const [r2] = store.getEvents('r2');
    expect(r2!.seq).toBeGreaterThan(r1[4]!.seq);
    expect(r2!.seq).toBeLessThan(r1[5]!.seq);
    // Fewer rows than events: consecutive events of a run share one.
    const raw = new Database(path.join(dir, STORE_FILE), { readonly: true });
    try {
      expect((raw.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n).toBeLessThan(r1.length + 1);
    } finally {
      raw.close();
    }
  });

  it('pages from any seq, also one inside a stretch, and a follower sees the same events', () => {
    const dir = tmpDir();
    store = openStore(dir);
    stretches();
    const all = store.getEvents('r1');
    for (let i = 0; i < all.length; i++) expect(store.getEvents('r1', all[i]!.seq)).toEqual(all.slice(i + 1));
    expect(store.getEvents('r1', 0, 2)).toEqual(all.slice(0, 2));
    expect(store.getEvents('r1', all[0]!.seq, 1)).toEqual([all[1]]);
    expect(store.getEvents('r1', 0, -1)).toEqual(all); // as SQLite's LIMIT -1: no limit
    const paged: EventRecord[] = [];
    for (let page = store.getEvents('r1', 0, 1); page.length > 0; page = store.getEvents('r1', paged.at(-1)!.seq, 1)) paged.push(...page);
    expect(paged).toEqual(all);
    const follower = openStore(dir, { readonly: true });
    try {
      expect(follower.getEvents('r1')).toEqual(all);
    } finally {
      follower.close();
    }
  });
});

describe('log lines', () => {
  it('are read back by getLogs and appear among the events as type log; other events are not log lines', () => {
    store = openStore(tmpDir());
    seed();
    expect(store.getLogs('r1')).toEqual([
      log({ runId: 'r1', text: 'one' }),
      log({ runId: 'r1', jobKey: 'load', stagePath: '2.0', stream: 'stderr', text: 'two' }),
    ]);
    const logEvents = store.getEvents('r1').filter((e) => e.type === 'log');
    expect(logEvents.map(({ seq: _, ...e }) => e)).toEqual([
      { runId: 'r1', ts: '2025-01-01T00:00:03.000Z', type: 'log', jobKey: 'extract', stagePath: '0', stream: 'stdout', text: 'one', data: null },
      { runId: 'r1', ts: '2025-01-01T00:00:03.000Z', type: 'log', jobKey: 'load', stagePath: '2.0', stream: 'stderr', text: 'two', data: null },
    ]);
    expect(store.getLogs('r1', { stagePath: '2' }).map((l) => l.text)).toEqual(['two']);
    expect(store.getLogs('r2').map((l) => l.text)).toEqual(['other']);
  });
});
