export { REPO, BIN, E2E_FIXTURES, assertBuilt } from './paths.js';
export { runWf, startWf, wfEnv, parseJson, type WfResult, type RunWfOptions } from './run-wf.js';
export { tmpProject, tmpDir, type TmpProjectOptions } from './tmp-project.js';
export { parseDiagnostics, lineCol, fileLineCol, hasStackTrace, type Diagnostic } from './diagnostics.js';
export { readRuns, onlyRun, jobOf, stagesOf, type StoredRun } from './store.js';
export { alive, waitFor } from './processes.js';
