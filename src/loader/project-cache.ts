import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import { digest, hashPipeline, rememberHashes, type PipelineHashes } from '../model/hash.js';
import type { OnTemplate, Pipeline } from '../model/types.js';
import { VERSION } from '../version.js';
import { checksum } from './checksum.js';
import { discoverConf, type ConfFile } from './discover.js';
import type { LoadOptions, Project } from './load-project.js';

/** Bump when the compiled model's shape changes: old cache files are then ignored. */
const CACHE_FORMAT = 3;

/**
 * A file whose last change is this close to the moment its stamp was taken may have changed again
 * without its stamp changing (mtime granularity: 2 s on FAT, 1 s on ext3): it is hashed on each hit.
 */
const RACY_MS = 2000;

interface FileMark {
  /** sha1 of the content. */
  hash: string;
  /** The file's stamp (FileStamp.id) when it is safe to trust: an equal stamp then means equal content. */
  stamp: string | null;
}

interface CacheEntry {
  format: number;
  /** What the entry was built for (the file name is only a short hash of it). */
  key: string;
  /** Every file the compiled templates came from. */
  files: Record<string, FileMark>;
  names: string[];
  pipelines: Pipeline[];
  ons: OnTemplate[];
  /** hashPipeline of each pipeline, so a run from the cache hashes nothing. */
  hashes: Record<string, PipelineHashes>;
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
  // The file name is a short checksum of the key; names that collide only make two keys take turns, as the entry holds its whole key.
  const cacheFile = key ? join(options.cacheDir!, `${checksum(key)}.json`) : undefined;
  if (cacheFile) {
    const hit = readEntry(cacheFile, key!, options.only!, files, confDir);
    if (hit) return hit;
  }
  const { loadProject } = await import('./load-project.js');
  const project = loadProject({ ...options, files });
  // A name not found is not cached: the template may be written next.
  const complete = options.only?.every((n) => project.pipelines.has(n) || project.ons.has(n));
  if (cacheFile && complete && !holdsSecret(project)) writeEntry(cacheFile, key!, project, files);
  return project;
}

/** A secret param's default is a secret too: it must never reach the state folder, so such models are not cached. */
function holdsSecret(project: Project): boolean {
  return [...project.pipelines.values()].some((p) => Object.values(p.params).some((d) => d.type === 'secret' && d.default !== undefined));
}

function cacheKey(confDir: string, only: string[]): string {
  // The build's own mtime is in the key so a rebuilt wf never reads a model an older build wrote.
  const build = statSync(fileURLToPath(import.meta.url)).mtimeMs;
  return JSON.stringify([CACHE_FORMAT, VERSION, build, confDir, process.cwd(), process.env.WF_TIMEZONE ?? '', [...only].sort()]);
}

const hashText = (text: string): string => digest('sha1', text);

/**
 * A file's stamp, when it can stand for the text read after it: its last change is safely older
 * than the moment it was taken, so a write after that moment gives another stamp.
 */
function stampOf(f: ConfFile): string | null {
  return f.stat && f.stat.changed < f.stat.at - RACY_MS ? f.stat.id : null;
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

function readEntry(cacheFile: string, key: string, only: string[], files: ConfFile[], confDir: string): Project | undefined {
  let entry: CacheEntry;
  try {
    // The first line is the checksum of the rest: an entry damaged or edited by hand is rebuilt.
    const text = readFileSync(cacheFile, 'utf8');
    const body = text.slice(text.indexOf('\n') + 1);
    if (text.slice(0, text.indexOf('\n')) !== checksum(body)) return undefined;
    const parsed: unknown = JSON.parse(body);
    // Of the wrong shape, another key's, or without a name asked for: rebuilt by this load.
    if (!isEntry(parsed) || parsed.key !== key || !only.every((n) => parsed.names.includes(n))) return undefined;
    entry = parsed;
  } catch {
    return undefined; // no entry yet, or a torn one: rebuild it
  }
  const byPath = new Map(files.map((f) => [f.file, f]));
  // Files whose stamp could not be trusted, though their content is the cached one.
  const hashed: ConfFile[] = [];
  for (const [path, mark] of Object.entries(entry.files)) {
    const f = byPath.get(path);
    if (!f) return undefined;
    if (mark.stamp !== null && mark.stamp === f.stat?.id) continue;
    if (hashText(f.text) !== mark.hash) return undefined;
    hashed.push(f);
  }
  const names = nameIndex(files);
  if (entry.names.some((n) => (names.get(n)?.length ?? 0) !== 1)) return undefined;
  // The files just hashed are stamped, if their stamps can now stand for their text: the next hit
  // hashes nothing. Each keeps the hash it was checked against (its text was read after its stamp).
  if (hashed.length > 0) {
    for (const f of hashed) entry.files[f.file] = { hash: entry.files[f.file]!.hash, stamp: stampOf(f) };
    if (Object.values(entry.files).every((m) => m.stamp !== null)) store(cacheFile, entry);
  }
  for (const p of entry.pipelines) rememberHashes(p, entry.hashes[p.name]!);
  return {
    confDir,
    pipelines: new Map(entry.pipelines.map((p) => [p.name, p])),
    ons: new Map(entry.ons.map((o) => [o.name, o])),
    names,
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isTemplate = (v: unknown, kind: string): boolean => isObject(v) && v.kind === kind && typeof v.name === 'string' && typeof v.file === 'string' && isObject(v.loc);

const isMark = (m: unknown): boolean => isObject(m) && typeof m.hash === 'string' && (m.stamp === null || typeof m.stamp === 'string');
const isHashes = (h: unknown): boolean => isObject(h) && typeof h.modelHash === 'string' && isObject(h.jobHashes);

/** Whether a parsed cache file is an entry this build wrote (a file of another shape is rebuilt, never trusted). */
function isEntry(v: unknown): v is CacheEntry {
  if (!isObject(v) || v.format !== CACHE_FORMAT || typeof v.key !== 'string') return false;
  if (!isObject(v.files) || !Object.values(v.files).every(isMark)) return false;
  if (!Array.isArray(v.names) || !v.names.every((n) => typeof n === 'string')) return false;
  if (!Array.isArray(v.pipelines) || !v.pipelines.every((p) => isTemplate(p, 'Pipeline') && isObject(p.params) && Array.isArray(p.jobs))) return false;
  if (!Array.isArray(v.ons) || !v.ons.every((o) => isTemplate(o, 'On'))) return false;
  const hashes = v.hashes;
  return isObject(hashes) && v.pipelines.every((p) => isHashes(hashes[(p as { name: string }).name]));
}

function writeEntry(cacheFile: string, key: string, project: Project, files: ConfFile[]): void {
  const templates = [...project.pipelines.values(), ...project.ons.values()];
  const used = new Set(templates.map((t) => t.file));
  const pipelines = [...project.pipelines.values()];
  store(cacheFile, {
    format: CACHE_FORMAT,
    key,
    files: Object.fromEntries(files.filter((f) => used.has(f.file)).map((f) => [f.file, { hash: hashText(f.text), stamp: stampOf(f) }])),
    names: templates.map((t) => t.name),
    pipelines,
    ons: [...project.ons.values()],
    hashes: Object.fromEntries(pipelines.map((p) => [p.name, hashPipeline(p)])),
  });
}

function store(cacheFile: string, entry: CacheEntry): void {
  try {
    mkdirSync(join(cacheFile, '..'), { recursive: true });
    // Write then rename: a reader never sees a half-written entry.
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    const body = JSON.stringify(entry);
    writeFileSync(tmp, `${checksum(body)}\n${body}`);
    renameSync(tmp, cacheFile);
  } catch {
    // A read-only state folder only costs speed: the next run parses again.
  }
}
