import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import type { OnTemplate, Pipeline } from '../model/types.js';
import { VERSION } from '../version.js';
import { discoverConf, type ConfFile } from './discover.js';
import type { LoadOptions, Project } from './load-project.js';

/** Bump when the compiled model's shape changes: old cache files are then ignored. */
const CACHE_FORMAT = 2;

interface CacheEntry {
  format: number;
  /** Content hash of every file the compiled templates came from. */
  files: Record<string, string>;
  names: string[];
  pipelines: Pipeline[];
  ons: OnTemplate[];
  /** Hash of the JSON of `pipelines` and `ons`: an entry edited or torn by hand is not trusted. */
  model: string;
}

/**
 * `loadProject` with a compiled-model cache in front, for commands that need a few templates
 * (`wf run X`). A hit needs no YAML parser and no schema library, which are most of the start-up
 * cost; it is valid while every file it came from has the same content and none of its templates
 * has gained a duplicate. Only problem-free loads are cached, so every mistake is still reported.
 */
export async function loadProjectCached(options: LoadOptions & { cacheDir?: string }): Promise<Project> {
  const confDir = resolve(options.conf);
  const files = discoverConf(confDir);
  const key = options.cacheDir && options.only && files.every((f) => f.names) ? cacheKey(confDir, options.only) : undefined;
  const cacheFile = key ? join(options.cacheDir!, `${key}.json`) : undefined;
  if (cacheFile) {
    const hit = readEntry(cacheFile, files, confDir);
    if (hit) return hit;
  }
  const { loadProject } = await import('./load-project.js');
  const project = loadProject({ ...options, files });
  if (cacheFile && !holdsSecret(project)) writeEntry(cacheFile, project, files);
  return project;
}

/** A secret param's default is a secret too: it must never reach the state folder, so such models are not cached. */
function holdsSecret(project: Project): boolean {
  return [...project.pipelines.values()].some((p) => Object.values(p.params).some((d) => d.type === 'secret' && d.default !== undefined));
}

function cacheKey(confDir: string, only: string[]): string {
  // The build's own mtime is in the key so a rebuilt wf never reads a model an older build wrote.
  const build = statSync(fileURLToPath(import.meta.url)).mtimeMs;
  const parts = [CACHE_FORMAT, VERSION, build, confDir, process.cwd(), process.env.WF_TIMEZONE ?? '', [...only].sort()];
  return createHash('sha1').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}

function hashText(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

function nameIndex(files: ConfFile[]): Project['names'] {
  const names: Project['names'] = new Map();
  for (const f of files) {
    for (const { name, line } of f.names ?? []) {
      const list = names.get(name) ?? [];
      list.push({ file: f.file, line });
      names.set(name, list);
    }
  }
  return names;
}

function readEntry(cacheFile: string, files: ConfFile[], confDir: string): Project | undefined {
  let entry: CacheEntry;
  try {
    const parsed: unknown = JSON.parse(readFileSync(cacheFile, 'utf8'));
    if (!isEntry(parsed)) return undefined; // an entry of the wrong shape: rebuilt by this load
    entry = parsed;
  } catch {
    return undefined; // no entry yet, or a torn one: rebuild it
  }
  const byPath = new Map(files.map((f) => [f.file, f]));
  for (const [path, hash] of Object.entries(entry.files)) {
    const f = byPath.get(path);
    if (!f || hashText(f.text) !== hash) return undefined;
  }
  const names = nameIndex(files);
  if (entry.names.some((n) => (names.get(n)?.length ?? 0) !== 1)) return undefined;
  return {
    confDir,
    pipelines: new Map(entry.pipelines.map((p) => [p.name, p])),
    ons: new Map(entry.ons.map((o) => [o.name, o])),
    names,
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isTemplate = (v: unknown, kind: string): boolean => isObject(v) && v.kind === kind && typeof v.name === 'string' && typeof v.file === 'string' && isObject(v.loc);

/** Whether a parsed cache file is an entry this build wrote: the shape, and the model's own hash. */
function isEntry(v: unknown): v is CacheEntry {
  if (!isObject(v) || v.format !== CACHE_FORMAT || typeof v.model !== 'string') return false;
  if (!isObject(v.files) || !Object.values(v.files).every((h) => typeof h === 'string')) return false;
  if (!Array.isArray(v.names) || !v.names.every((n) => typeof n === 'string')) return false;
  if (!Array.isArray(v.pipelines) || !v.pipelines.every((p) => isTemplate(p, 'Pipeline') && isObject(p.params) && Array.isArray(p.jobs))) return false;
  if (!Array.isArray(v.ons) || !v.ons.every((o) => isTemplate(o, 'On'))) return false;
  return hashText(JSON.stringify([v.pipelines, v.ons])) === v.model;
}

function writeEntry(cacheFile: string, project: Project, files: ConfFile[]): void {
  const templates = [...project.pipelines.values(), ...project.ons.values()];
  const used = new Set(templates.map((t) => t.file));
  const entry: CacheEntry = {
    format: CACHE_FORMAT,
    files: Object.fromEntries(files.filter((f) => used.has(f.file)).map((f) => [f.file, hashText(f.text)])),
    names: templates.map((t) => t.name),
    pipelines: [...project.pipelines.values()],
    ons: [...project.ons.values()],
    model: '',
  };
  entry.model = hashText(JSON.stringify([entry.pipelines, entry.ons]));
  try {
    mkdirSync(join(cacheFile, '..'), { recursive: true });
    // Write then rename: a reader never sees a half-written entry.
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(entry));
    renameSync(tmp, cacheFile);
  } catch {
    // A read-only state folder only costs speed: the next run parses again.
  }
}
