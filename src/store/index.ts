/** Run history: runs, jobs, stages, logs and schedule releases in `<state>/wf.db`. */
export { openStore, STORE_FILE, type OpenStoreOptions } from './sqlite-store.js';
export { newRunId } from './run-id.js';
export { pidIsAlive } from './pid-alive.js';
export { currentOwner, processStart, ownerProcessAlive, runOwnerAlive, HEARTBEAT_MS, STALE_HEARTBEAT_MS } from './owner.js';
export { SCHEMA_VERSION } from './schema.js';
export type {
  AttemptRecord,
  EventRecord,
  ProcessRecord,
  RunOwner,
  SchedulerRecord,
  JobRecord,
  ListRunsQuery,
  LogRecord,
  NodeStatus,
  ReleaseRecord,
  RunRecord,
  RunStatus,
  RunTrigger,
  StageRecord,
  Store,
  StoreOp,
} from './types.js';
