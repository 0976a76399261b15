import { renderDeep, toText } from '../../template/index.js';
import type { StageRunner } from '../stage-context.js';
import { sleep } from '../sleep.js';

export const runEcho: StageRunner = async ({ stage, ctx, render, log, signal }) => {
  if (stage.kind !== 'echo') throw new TypeError('not an echo stage');
  const text = toText(renderDeep(stage.echo, ctx, render));
  if (text !== '') log('log', text);
  if (stage.sleepMs) await sleep(stage.sleepMs, signal);
  return {};
};
