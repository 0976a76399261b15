import { EventEmitter } from 'node:events';
import { accessSync, closeSync, existsSync, constants as fsConstants, fstatSync, openSync, readFileSync, readSync, realpathSync, statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { createRequire } from 'node:module';
import { Socket } from 'node:net';
import { constants as osConstants } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Readable } from 'node:stream';
import type { SpawnRequest } from './protocol.js';

/**
 * Stage processes started with glibc's posix_spawn (through the koffi FFI) instead of Node's
 * child_process. Node (libuv before 2026) forks the whole wf process to start a child: that costs
 * ~0.8 ms of main-thread CPU per stage on a 100 MB process and most of a 100-job run's wall time
 * (bench/overhead.mjs). posix_spawn uses vfork-style cloning: no page tables are copied.
 *
 * Used on Linux with glibc (x64, arm64) only: the opaque posix_spawn structures are never read, only
 * allocated larger than glibc's and handed to glibc's own init functions, so their layout cannot be
 * got wrong. Everywhere else, or when koffi cannot load, or with WF_SPAWN=node, child_process is used. The child gets what `spawn(..., {detached: true})` gives:
 * a new session (so its own process group), stdin from /dev/null, stdout/stderr on pipes, every
 * signal at its default disposition and none blocked.
 */

/**
 * What ProcessHost needs of a started process: the ChildProcess subset it uses, or (posix_spawn)
 * its output through `onOutput` instead of stdout and stderr streams.
 */
export interface SpawnedChild extends EventEmitter {
  readonly pid: number | undefined;
  readonly stdout?: Readable;
  readonly stderr?: Readable;
  /** Output as text, in the order each stream gave it; 'close' follows the last of it. */
  onOutput?(listener: (stream: 'stdout' | 'stderr', text: string) => void): void;
  /** Signals the child's process group; nothing when it is gone (without an exception to build). */
  signalGroup?(signal: NodeJS.Signals): void;
}

/** Starts the process, or rejects (`spawn bash ENOENT`, E2BIG…) when it cannot be started. */
export interface NativeSpawner {
  /** `alone`: no other stage process is running, so nothing gains from the main thread going on during the vfork and exec. */
  spawn(request: SpawnRequest, alone?: boolean): Promise<SpawnedChild>;
  /** SIGKILL to the groups of spawns still under way (waits the moment each needs to have a pid). */
  killStarting(): void;
}

const POSIX_SPAWN_SETSIGDEF = 0x04;
const POSIX_SPAWN_SETSIGMASK = 0x08;
const POSIX_SPAWN_SETSID = 0x80;
const O_RDONLY = 0;
const O_WRONLY = 1;
const O_CREAT = 0o100;
const O_TRUNC = 0o1000;
const O_CLOEXEC = 0o2000000;
const WNOHANG = 1;
const F_SETFL = 4;
const O_NONBLOCK = 0o4000;
/** Larger than glibc's posix_spawn_file_actions_t (80 B), posix_spawnattr_t (336 B), sigset_t (128 B). */
const OPAQUE = 1024;

let loaded: NativeSpawner | null | undefined;

/**
 * The posix_spawn back end, loaded at the first stage process, or null (then use child_process).
 * Loading it (~4 ms: the addon, and the functions bound) costs less than one fork of wf (~10 ms at
 * start-up), so even a run of one `run:` stage starts it this way.
 */
export function nativeSpawner(): NativeSpawner | null {
  return (loaded ??= load());
}

/** The back end if it is loaded (nothing is starting through it otherwise). */
export function loadedNativeSpawner(): NativeSpawner | null {
  return loaded ?? null;
}

function load(): NativeSpawner | null {
  // Children are reaped on SIGCHLD, which only the main thread can listen for.
  const require = createRequire(import.meta.url);
  if (process.env.WF_SPAWN === 'node' || !(require('node:worker_threads') as typeof import('node:worker_threads')).isMainThread) return null;
  if (process.platform !== 'linux' || (process.arch !== 'x64' && process.arch !== 'arm64')) return null;
  try {
    const koffi = koffiAddon(require);
    return koffi ? bind(koffi) : null;
  } catch {
    // koffi missing or not built for this platform, or a libc without the functions used (bind throws)
    return null;
  }
}

/**
 * koffi's native addon, loaded straight from where npm (or pnpm) puts its prebuilt glibc build, or
 * a build from source: koffi's own index.js (resolving its package `exports`, detecting the libc,
 * wrapping deprecated functions) costs ~8 ms more, about what forking one stage process costs. On
 * musl, in any other layout, or for an addon of another version, koffi's loader decides. Null when
 * an addon is damaged.
 */
function koffiAddon(require: NodeRequire): typeof import('koffi') | null {
  const found = packageDir('koffi');
  const root = found && realpathSync(found); // koffi's loader looks beside its real folder too
  const arch = process.arch;
  const builds = root ? [join(root, '..', '@koromix', `koffi-linux-${arch}`), join(root, 'build', 'koffi')] : [];
  // A truncated addon is not an error dlopen reports: mapping it kills the process (SIGBUS). Then
  // none is loaded, by us or by koffi's loader.
  for (const dir of builds) {
    for (const libc of ['linux', 'musl']) {
      const file = join(dir, `${libc}_${arch}`, 'koffi.node');
      if (existsSync(file) && !wholeElf(file)) return null;
    }
  }
  const version = root && packageVersion(root);
  if (version && /\/ld-linux[^/]*$/.test(elfInterpreter(process.execPath) ?? '')) {
    for (const dir of builds) {
      const file = join(dir, `linux_${arch}`, 'koffi.node');
      if (!existsSync(file)) continue;
      const addon = { exports: {} as { version?: string } };
      try {
        process.dlopen(addon, file);
      } catch {
        continue;
      }
      if (addon.exports.version === version) return addon.exports as typeof import('koffi');
    }
  }
  return require('koffi') as typeof import('koffi');
}

/** The folder of an installed package, found as Node finds it (node_modules of each parent folder), without reading its `exports`. */
function packageDir(name: string): string | null {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

function packageVersion(dir: string): string | null {
  try {
    const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof version === 'string' ? version : null;
  } catch {
    return null;
  }
}

/** The first bytes of a file and its size, or null when it cannot be read. */
function readHead(file: string, bytes: number): { head: Buffer; size: number } | null {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const head = Buffer.alloc(bytes);
    return { head: head.subarray(0, readSync(fd, head, 0, bytes, 0)), size: fstatSync(fd).size };
  } catch {
    return null;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** A 64-bit little-endian ELF header (x64 and arm64 Linux). */
const isElf64 = (head: Buffer) => head.length >= 64 && head.readUInt32BE(0) === 0x7f454c46 && head[4] === 2 && head[5] === 1;

/** Whether an ELF file is as long as its header says: the section headers come last, so a cut file lacks them. */
export function wholeElf(file: string): boolean {
  const read = readHead(file, 64);
  if (!read || !isElf64(read.head)) return false;
  const { head, size } = read;
  return size >= Number(head.readBigUInt64LE(0x28)) + head.readUInt16LE(0x3a) * head.readUInt16LE(0x3c);
}

/** The dynamic loader an ELF executable names (PT_INTERP): `/lib64/ld-linux-x86-64.so.2` for glibc, `/lib/ld-musl-…` for musl. */
export function elfInterpreter(file: string): string | null {
  const read = readHead(file, 4096);
  if (!read || !isElf64(read.head)) return null;
  const { head } = read;
  const table = Number(head.readBigUInt64LE(0x20));
  const entry = head.readUInt16LE(0x36);
  for (let i = 0; i < head.readUInt16LE(0x38); i++) {
    const at = table + i * entry;
    if (at + 40 > head.length) return null;
    if (head.readUInt32LE(at) !== 3) continue; // PT_INTERP
    const offset = Number(head.readBigUInt64LE(at + 8));
    const end = offset + Number(head.readBigUInt64LE(at + 32));
    return end <= head.length ? head.toString('latin1', offset, end).replace(/\0[^]*$/, '') : null;
  }
  return null;
}

function bind(koffi: typeof import('koffi')): NativeSpawner {
  // glibc's name; musl and others have no libc.so.6 (or lack a function below): child_process then.
  const libc = koffi.load('libc.so.6');
  // pid is written by glibc straight into shared memory, so an exit handler can read it mid-call.
  const posixSpawn = libc.func('int posix_spawn(int *pid, const char *path, void *actions, void *attr, const char **argv, const char **envp)');
  const actionsInit = libc.func('int posix_spawn_file_actions_init(void *actions)');
  const actionsDestroy = libc.func('int posix_spawn_file_actions_destroy(void *actions)');
  const addDup2 = libc.func('int posix_spawn_file_actions_adddup2(void *actions, int fd, int newfd)');
  const addOpen = libc.func('int posix_spawn_file_actions_addopen(void *actions, int fd, const char *path, int oflag, int mode)');
  const addClose = libc.func('int posix_spawn_file_actions_addclose(void *actions, int fd)');
  const addChdir = libc.func('int posix_spawn_file_actions_addchdir_np(void *actions, const char *path)');
  const attrInit = libc.func('int posix_spawnattr_init(void *attr)');
  const setFlags = libc.func('int posix_spawnattr_setflags(void *attr, short flags)');
  const setSigDefault = libc.func('int posix_spawnattr_setsigdefault(void *attr, void *set)');
  const setSigMask = libc.func('int posix_spawnattr_setsigmask(void *attr, void *set)');
  const sigfillset = libc.func('int sigfillset(void *set)');
  const sigemptyset = libc.func('int sigemptyset(void *set)');
  const pipe2 = libc.func('int pipe2(_Out_ int *fds, int flags)');
  const close = libc.func('int close(int fd)');
  const waitpid = libc.func('int waitpid(int pid, _Out_ int *status, int options)');
  const kill = libc.func('int kill(int pid, int sig)');
  const fcntl = libc.func('int fcntl(int fd, int cmd, int arg)');

  const allSignals = Buffer.alloc(OPAQUE);
  const noSignals = Buffer.alloc(OPAQUE);
  sigfillset(allSignals);
  sigemptyset(noSignals);
  const attr = Buffer.alloc(OPAQUE);
  attrInit(attr);
  setFlags(attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  setSigDefault(attr, allSignals);
  setSigMask(attr, noSignals);

  // Children are reaped here, by pid (libuv reaps only its own, by pid, so neither takes the other's).
  const waiting = new Map<number, (status: number) => void>();
  let sweep: NodeJS.Timeout | undefined;
  const reap = () => {
    const status = [0];
    for (const [pid, done] of waiting) {
      if (waitpid(pid, status, WNOHANG) !== pid) continue;
      waiting.delete(pid);
      done(status[0]!);
    }
    if (waiting.size === 0 && sweep) {
      clearInterval(sweep);
      sweep = undefined;
    }
  };
  process.on('SIGCHLD', reap);

  const signalNames = new Map(Object.entries(osConstants.signals).map(([name, n]) => [n, name]));
  const errnoNames = new Map(Object.entries(osConstants.errno).map(([name, n]) => [n, name]));
  const errnoName = (n: number) => errnoNames.get(n) ?? String(n);
  const resolved = new Map<string, string | null>();

  // Spawns under way on a libuv thread: the vfork and exec take ~1 ms that the main thread
  // spends on other jobs instead of waiting.
  const starting = new Set<Int32Array>();

  const spawn = async (request: SpawnRequest, alone = false): Promise<SpawnedChild> => {
    const file = resolveCommand(request.cmd, request.env.PATH ?? process.env.PATH ?? '', resolved);
    if (!file) throw new Error(`spawn ${request.cmd} ENOENT`);
    const out = new Int32Array(2);
    const err = new Int32Array(2);
    if (pipe2(out, O_CLOEXEC) !== 0) throw new Error(`pipe: ${errnoName(koffi.errno())}`);
    if (pipe2(err, O_CLOEXEC) !== 0) {
      const errno = koffi.errno();
      close(out[0]!);
      close(out[1]!);
      throw new Error(`pipe: ${errnoName(errno)}`);
    }
    const actions = Buffer.alloc(OPAQUE);
    actionsInit(actions);
    addOpen(actions, 0, '/dev/null', O_RDONLY, 0);
    addDup2(actions, out[1]!, 1);
    addDup2(actions, err[1]!, 2);
    if (request.cwd !== undefined) addChdir(actions, request.cwd);
    // The child creates the file on the number of our pipe's write end (already on fd 1, so surely
    // ours) and closes it again: the stage gets the file by its path only. (glibc may open it on a
    // lower free fd and dup2 it over, which drops O_CLOEXEC, hence the explicit close.)
    if (request.outputFile !== undefined) {
      addOpen(actions, out[1]!, request.outputFile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600);
      addClose(actions, out[1]!);
    }
    const envp = [...Object.entries(request.env).map(([k, v]) => `${k}=${v}`), null];
    const pidCell = new Int32Array(new SharedArrayBuffer(4));
    starting.add(pidCell);
    let rc: number;
    try {
      const argv = [request.argv0 ?? request.cmd, ...request.args, null];
      rc = alone
        ? (posixSpawn(pidCell, file, actions, attr, argv, envp) as number)
        : await new Promise<number>((resolve, reject) => posixSpawn.async(pidCell, file, actions, attr, argv, envp, (e: unknown, r: number) => (e ? reject(e) : resolve(r))));
    } finally {
      starting.delete(pidCell);
      actionsDestroy(actions);
      close(out[1]!);
      close(err[1]!);
    }
    if (rc !== 0) {
      close(out[0]!);
      close(err[0]!);
      throw new Error(`spawn ${request.cmd} ${errnoName(rc)}`);
    }
    const pid = pidCell[0]!;
    // Ours (the read ends) only: the child's ends stay blocking.
    fcntl(out[0]!, F_SETFL, O_NONBLOCK);
    fcntl(err[0]!, F_SETFL, O_NONBLOCK);
    const child = new NativeChild(pid, [out[0]!, err[0]!], (signal) => kill(-pid, osConstants.signals[signal]));
    waiting.set(pid, (status) => {
      // WIFEXITED: the low 7 bits are 0 and the code is in the next byte; else they are the signal.
      const signal = status & 0x7f;
      child.exited(signal === 0 ? (status >> 8) & 0xff : null, signal === 0 ? null : (signalNames.get(signal) ?? `SIG${signal}`));
    });
    // SIGCHLD handlers are not ref'd: this keeps the loop alive until every child is reaped, and
    // reaps (once a second) whatever a coalesced signal might have left.
    sweep ??= setInterval(reap, 1000);
    // It may have exited (and its SIGCHLD been handled) before it was in `waiting`. Reaped on the
    // next turn, not now: the caller attaches its 'exit' listener (which kills leftovers) after this returns.
    setImmediate(reap);
    return child;
  };

  const killStarting = () => {
    for (const cell of starting) {
      // posix_spawn returns within moments (exec done or failed); the pid is written just before.
      const until = Date.now() + 2000;
      while (cell[0] === 0 && Date.now() < until) Atomics.wait(cell, 0, 0, 1);
      if (cell[0] === 0) continue;
      try {
        process.kill(-cell[0]!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  return { spawn, killStarting };
}

/** Like execvp: a name without '/' is looked up in PATH (the child's, as child_process does). */
function resolveCommand(cmd: string, path: string, cache: Map<string, string | null>): string | null {
  if (cmd.includes('/')) return cmd;
  const key = `${cmd}\0${path}`;
  let file = cache.get(key);
  if (file === undefined) {
    file = null;
    for (const dir of path.split(delimiter)) {
      const candidate = join(dir || '.', cmd);
      try {
        accessSync(candidate, fsConstants.X_OK);
        if (statSync(candidate).isFile()) {
          file = candidate;
          break;
        }
      } catch {
        // not here
      }
    }
    // A miss is not cached: the command may be installed while the daemon runs.
    if (file !== null) cache.set(key, file);
  }
  return file;
}

/**
 * How long a process's pipes are left unwatched: one that has exited by then (with what it wrote
 * still in the pipes, up to 64 KB each) is read at once and never watched. A Socket per pipe costs
 * ~30 µs to make and as much again to take down at EOF, on the main thread, while most stage
 * processes of a chain of short jobs end within a millisecond or two. Output is shown at most
 * this much later.
 */
const WATCH_AFTER_MS = 5;
const STREAMS = ['stdout', 'stderr'] as const;
/** Reads of a pipe at a process's end before it is watched instead (a pipe holds 64 KB). */
const DRAIN_READS = 4;
/** Pipes are read into this one (on the main thread, one at a time). */
let readBuffer: Buffer | undefined;

/**
 * Emits 'exit' (code, signal) when the process ends and 'close' once its pipes are closed too
 * (EOF: nothing else in its group holds them). Its pipes are read when it ends, or watched from
 * WATCH_AFTER_MS on (or once something listens while it runs longer).
 */
class NativeChild extends EventEmitter implements SpawnedChild {
  private open = 3;
  private exit: [number | null, string | null] = [null, null];
  private listener: ((stream: 'stdout' | 'stderr', text: string) => void) | undefined;
  private readonly decoders = [new StringDecoder('utf8'), new StringDecoder('utf8')];
  /** Per pipe: its fd while not yet watched (null once watched or closed). */
  private readonly fds: Array<number | null>;
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly pid: number,
    fds: [number, number],
    /** kill(2) of the group: once a stage ends, its group is usually gone already, and process.kill would throw ESRCH (~35 µs to build). */
    readonly signalGroup: (signal: NodeJS.Signals) => void,
  ) {
    super();
    this.fds = [...fds];
    this.timer = setTimeout(() => this.watchAll(), WATCH_AFTER_MS);
    this.timer.unref(); // the reaper keeps the loop alive while the process runs
  }

  onOutput(listener: (stream: 'stdout' | 'stderr', text: string) => void): void {
    this.listener = listener;
  }

  exited(code: number | null, signal: string | null): void {
    this.exit = [code, signal];
    this.emit('exit', code, signal); // what it left in its group is killed now
    clearTimeout(this.timer);
    for (let i = 0; i < 2; i++) if (this.fds[i] !== null) this.drain(i);
    this.closed();
  }

  /**
   * Reads what is in pipe i; closes it at EOF, or watches it when something still holds it open
   * (and may keep it full: a few reads at most here, the rest as it comes).
   */
  private drain(i: number): void {
    const fd = this.fds[i]!;
    const buffer = (readBuffer ??= Buffer.allocUnsafe(65536));
    for (let reads = 0; ; reads++) {
      if (reads === DRAIN_READS) return this.watch(i);
      let n: number;
      try {
        n = readSync(fd, buffer, 0, buffer.length, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') return this.watch(i); // a leftover of its group holds it: EOF when that dies
        n = 0; // a read error ends the pipe like EOF does; the exit status still decides the stage
      }
      if (n === 0) break;
      this.deliver(i, this.decoders[i]!.write(buffer.subarray(0, n)));
    }
    this.fds[i] = null;
    closeSync(fd);
    this.deliver(i, this.decoders[i]!.end());
    this.closed();
  }

  private watchAll(): void {
    for (let i = 0; i < 2; i++) if (this.fds[i] !== null) this.watch(i);
  }

  private watch(i: number): void {
    const fd = this.fds[i]!;
    this.fds[i] = null;
    const pipe = new Socket({ fd, readable: true, writable: false });
    // A read error ends the pipe like EOF does; the exit status still decides the stage.
    pipe.on('error', () => {});
    pipe.on('data', (data: Buffer) => this.deliver(i, this.decoders[i]!.write(data)));
    pipe.on('close', () => {
      this.deliver(i, this.decoders[i]!.end());
      this.closed();
    });
  }

  private deliver(i: number, text: string): void {
    if (text !== '') this.listener?.(STREAMS[i]!, text);
  }

  private closed(): void {
    if (--this.open === 0) this.emit('close', ...this.exit);
  }
}
