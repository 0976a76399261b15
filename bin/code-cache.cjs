'use strict';
// Loads the bundled CLI (dist/bundle/*.cjs, see bin/bundle.mjs) with V8's code cache, which Node 20
// offers to scripts only: compiling the chunks a command loads was the largest part of wf's
// start-up; from the cache it takes a fraction. One cache file per chunk and command (it holds the
// functions that command ran), under ~/.cache/wf-runner/ (see cacheRoot), written at the end of
// the first run of that command that was not a usage error (exit 2). The cache is only an
// optimisation: a file that is not a regular file of a sane size, was made from other bytes of the
// chunk (a file's identity: inode, size, mtime, ctime), by another Node or with other flags, or is
// damaged (V8 checksums it) is not used and is written again; any failure to read or write is silent.
const Module = require('node:module');
const fs = require('node:fs');
const os = require('node:os');
const { basename, dirname, isAbsolute, join } = require('node:path');
const v8 = require('node:v8');
const vm = require('node:vm');

const CHUNK = /^[\w-]+-[\w-]{8}\.cjs$/;
/** Far above any chunk's cache (~0.2 MB); a bigger file there is not ours. */
const MAX_CACHE_BYTES = 32 * 1024 * 1024;
/** A temporary file this old is left over from a killed writer. */
const STALE_TEMP_MS = 60_000;
/** A cache folder of another Node or another copy of wf untouched this long is removed. */
const STALE_FOLDER_MS = 30 * 24 * 3600_000;
const fresh = [];
let bundleDir = '';

const fnv = (text) => {
  let hash = 2166136261;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619) >>> 0;
  return hash.toString(36);
};

/** Whether `dir` can be written in, or made in its parent. */
function writable(dir) {
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    return true;
  } catch (e) {
    if (e.code !== 'ENOENT') return false;
  }
  try {
    fs.accessSync(dirname(dir), fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * $XDG_CACHE_HOME/wf-runner or ~/.cache/wf-runner; with neither writable (a container run as another
 * user, HOME=/), a folder of this user's own in the temp folder, used only if it is a real folder
 * owned by this user that no one else may write in.
 */
function cacheRoot() {
  const env = process.env;
  // As the XDG spec says, a relative XDG_CACHE_HOME is ignored.
  for (const base of [env.XDG_CACHE_HOME, env.HOME && join(env.HOME, '.cache')]) {
    if (base && isAbsolute(base) && writable(base)) return join(base, 'wf-runner');
  }
  const uid = process.getuid?.();
  if (uid === undefined) return null;
  const own = join(os.tmpdir(), `wf-runner-${uid}`);
  try {
    fs.mkdirSync(own, { mode: 0o700 });
  } catch {}
  try {
    const stat = fs.lstatSync(own);
    return stat.isDirectory() && stat.uid === uid && (stat.mode & 0o077) === 0 ? own : null;
  } catch {
    return null;
  }
}

/** <cache root>/code-<node>-<arch>-<this copy of wf and the flags V8 runs with>/<command>/, or null. */
function cacheDir(bundle, argv) {
  const env = process.env;
  if (env.NODE_DISABLE_COMPILE_CACHE) return null;
  const root = cacheRoot();
  if (!root) return null;
  // V8 refuses a cache made with other flags: each set of flags keeps its own.
  const key = fnv([bundle, ...process.execArgv, env.NODE_OPTIONS ?? ''].join('\0'));
  const command = /^[a-z]{1,20}$/.test(argv[2] ?? '') ? argv[2] : '_';
  return join(root, `code-${process.version}-${process.arch}-${key}`, command);
}

/** The identity of a chunk file's bytes, as git takes it: any write changes its ctime. */
const identity = (stat) => `wf-code-cache 1 ${stat.ino} ${stat.size} ${stat.mtimeMs} ${stat.ctimeMs}\n`;

/** The cache bytes stored for a chunk with this identity, or undefined. */
function readCache(file, expected) {
  let fd;
  try {
    // Non-blocking: a FIFO put there must not hang wf; only a regular file of a sane size is read.
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const stat = fs.fstatSync(fd);
    const size = stat.size;
    if (!stat.isFile() || size > MAX_CACHE_BYTES) return undefined;
    const bytes = Buffer.allocUnsafe(size);
    let read = 0;
    while (read < size) {
      const n = fs.readSync(fd, bytes, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    const header = Buffer.byteLength(expected);
    return read === size && bytes.toString('latin1', 0, header) === expected ? bytes.subarray(header) : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * V8 trusts a code cache as it is (a damaged file crashed the process) unless asked to checksum it,
 * which it then does when writing and when reading one. The flag is not left on: it would also make
 * every worker thread verify Node's start-up snapshot.
 */
function checksummed(fn) {
  v8.setFlagsFromString('--verify-snapshot-checksum');
  try {
    return fn();
  } finally {
    v8.setFlagsFromString('--no-verify-snapshot-checksum');
  }
}

/**
 * Requires dist/bundle/main.cjs, compiling each chunk with its cache. `importFromWf` is the chunks'
 * `import()` of what is not a chunk (hook files, tsx, piscina): a script compiled here has no module
 * to resolve from, so bin/wf's own `import()` does it.
 */
function loadBundled(bundleLink, argv, importFromWf) {
  // Node names a module by its real path (unless --preserve-symlinks): dist/ may be a link.
  const bundle = (bundleDir = fs.realpathSync(bundleLink));
  const dir = cacheDir(bundle, argv);
  const compile = Module.prototype._compile;
  Module.prototype._compile = function (content, filename) {
    const folder = dirname(filename);
    if (folder !== bundle && folder !== bundleLink) return compile.call(this, content, filename);
    const name = filename.slice(folder.length + 1);
    let cache = null;
    if (dir && CHUNK.test(name)) {
      try {
        cache = { file: join(dir, `${name}.v8`), header: identity(fs.statSync(filename)) };
      } catch {}
    }
    const cachedData = cache ? readCache(cache.file, cache.header) : undefined;
    const script = checksummed(() => new vm.Script(`(function (exports, require, module, __filename, __dirname, __import) {${content}\n})`, { filename, cachedData }));
    if (cache && (!cachedData || script.cachedDataRejected)) fresh.push({ script, ...cache });
    return script.runInThisContext().call(this.exports, this.exports, Module.createRequire(filename), this, filename, folder, importFromWf);
  };
  return require(join(bundle, 'main.cjs'));
}

/** Writes the caches of the chunks this command compiled, then removes what is left of old ones. */
function writeCodeCache() {
  if (fresh.length === 0 || process.exitCode === 2) return;
  const dir = dirname(fresh[0].file);
  let made;
  try {
    made = fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch {
    return;
  }
  for (const { script, file, header } of fresh) {
    const temp = `${file}.${process.pid}.tmp`;
    try {
      // O_EXCL: a file or link already there (planted, or left by a killed process) is replaced, never followed.
      fs.rmSync(temp, { force: true });
      const fd = fs.openSync(temp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
      try {
        fs.writeSync(fd, header);
        fs.writeSync(fd, checksummed(() => script.createCachedData()));
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(temp, file);
    } catch {
      try {
        fs.unlinkSync(temp);
      } catch {}
    }
  }
  try {
    const chunks = new Set(fs.readdirSync(bundleDir));
    removeWhere(dir, (name, age) => (name.endsWith('.v8') ? !chunks.has(name.slice(0, -'.v8'.length)) : name.endsWith('.tmp') && age() > STALE_TEMP_MS));
    // A new folder for this Node and this copy of wf: the others are removed once long unused.
    const own = dirname(dir);
    if (made && made.length <= own.length) removeWhere(dirname(own), (name, age) => name !== basename(own) && name.startsWith('code-') && age() > STALE_FOLDER_MS);
  } catch {}
}

/** Removes the entries of `dir` that `stale` names (given the entry's name and its age in ms). */
function removeWhere(dir, stale) {
  const now = Date.now();
  for (const name of fs.readdirSync(dir)) {
    const path = join(dir, name);
    try {
      if (stale(name, () => now - fs.lstatSync(path).mtimeMs)) fs.rmSync(path, { recursive: true, force: true });
    } catch {}
  }
}

module.exports = { loadBundled, writeCodeCache };
