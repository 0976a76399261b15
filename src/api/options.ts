import { resolve } from 'node:path';

/** Where things live; every command takes these (SPEC §1). */
export interface Locations {
  conf: string;
  registry: string[];
  state: string;
}

export interface RawLocations {
  conf?: string;
  /** One folder, a comma-separated list, or an array. */
  registry?: string | string[];
  state?: string;
}

/** `--conf` > `WF_CONF` > ./conf, and likewise for the registry roots and the state folder. */
export function resolveLocations(raw: RawLocations = {}, env: NodeJS.ProcessEnv = process.env): Locations {
  const registry = raw.registry ?? env.WF_REGISTRY ?? 'hooks';
  const roots = (Array.isArray(registry) ? registry : [registry])
    .flatMap((r) => r.split(','))
    .map((r) => r.trim())
    .filter(Boolean)
    .map((r) => resolve(r));
  return {
    conf: resolve(raw.conf ?? env.WF_CONF ?? 'conf'),
    registry: roots,
    state: resolve(raw.state ?? env.WF_STATE ?? '.wf'),
  };
}
