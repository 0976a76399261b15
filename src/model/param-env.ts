/** The environment variable a param is exported as, and read from: `run-date` → `WF_PARAM_RUN_DATE`. */
export function paramEnvName(name: string): string {
  return `WF_PARAM_${name.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`;
}
