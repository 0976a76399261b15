import { WfError } from '../../errors/index.js';
import { renderDeep, toText } from '../../template/index.js';
import type { StageRunner } from '../stage-context.js';

export const runRaise: StageRunner = async ({ stage, ctx, render }) => {
  if (stage.kind !== 'raise') throw new TypeError('not a raise stage');
  throw new WfError('E_STAGE', toText(renderDeep(stage.raise, ctx, render)) || 'raised', { loc: stage.loc });
};
