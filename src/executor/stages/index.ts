import { WfError } from '../../errors/index.js';
import type { StageKind } from '../../model/types.js';
import type { StageRunner } from '../stage-context.js';
import { runEcho } from './echo.js';
import { runRaise } from './raise.js';
import { runShell } from './shell.js';
import { runUses } from './uses.js';

const notYet: StageRunner = async ({ stage }) => {
  throw new WfError('E_NOT_IMPLEMENTED', `'${stage.kind}:' stages validate but do not run in this version`, {
    loc: stage.loc,
    hint: 'control-flow stages (foreach, parallel, case, until, input, trigger) are coming; use run:/uses: for now',
  });
};

export const STAGE_RUNNERS: Record<StageKind, StageRunner> = {
  echo: runEcho,
  run: runShell,
  uses: runUses,
  raise: runRaise,
  trigger: notYet,
  foreach: notYet,
  parallel: notYet,
  case: notYet,
  until: notYet,
  input: notYet,
};
