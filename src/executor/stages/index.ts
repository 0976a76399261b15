import type { StageKind } from '../../model/types.js';
import type { StageRunner } from '../stage-context.js';
import { runEcho } from './echo.js';
import { runRaise } from './raise.js';
import { runShell } from './shell.js';
import { runUses } from './uses.js';
import { runForeach } from './foreach.js';
import { runParallel } from './parallel.js';
import { runCase } from './case.js';
import { runUntil } from './until.js';
import { runInput } from './input.js';
import { runTrigger } from './trigger.js';


export const STAGE_RUNNERS: Record<StageKind, StageRunner> = {
  echo: runEcho,
  run: runShell,
  uses: runUses,
  raise: runRaise,
  trigger: runTrigger,
  foreach: runForeach,
  parallel: runParallel,
  case: runCase,
  until: runUntil,
  input: runInput,
};
