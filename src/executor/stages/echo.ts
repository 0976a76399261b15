import { sleep } from '../../clock/index.js';
import { renderDeep, toText } from '../../template/index.js';
import type { StageRunner } from '../stage-context.js';

export const runEcho: StageRunner = async ({ stage, ctx, render, log, signal, clock }) => {
  if (stage.kind !== 'echo') throw new TypeError('not an echo stage');
  const text = toText(renderDeep(stage.echo, ctx, render));
  if (text !== '') log('log', text);
  // A cancel or timeout ends the sleep; the job runner reports why.
  if (stage.sleepMs) await sleep(clock, stage.sleepMs, signal).catch(() => {});
  return {};
};
