/**
 * The extension of wf's own module files: `.mjs` in the bundle (bin/bundle.mjs writes it), so Node
 * knows each chunk is an ES module without looking up package.json scopes; `.js` in dist/.
 */
declare const __WF_MODULE_EXT__: string | undefined;

export const MODULE_EXT: string = typeof __WF_MODULE_EXT__ === 'string' ? __WF_MODULE_EXT__ : '.js';
