export { inspectProject, loadProject, type LoadOptions, type Project } from './load-project.js';
export { discoverConf, scanNames, displayPath, type ConfFile } from './discover.js';
export { SourceFile } from './source.js';
