/** The package names a hook may import without installing them, and where they are in the running wf. */
export const SELF: Readonly<Record<string, string>> = { 'wf-runner': '../index.js', 'wf-runner/api': '../api/index.js' };
