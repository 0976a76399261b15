export { ERROR_CODES, type ErrorCode } from './codes.js';
export { WfError, WfErrors, diagnosticsOf, type SourceLoc, type SerializedWfError, type WfErrorOptions } from './wf-error.js';
export { closest, didYouMean, editDistance } from './did-you-mean.js';
export { formatError, type Styler } from './format.js';
export { describeThrown } from './describe-thrown.js';
