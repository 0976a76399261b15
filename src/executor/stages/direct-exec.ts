import { accessSync, closeSync, constants as fsConstants, fstatSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { SpawnRequest } from '../protocol.js';

// A `run:` script that is one simple command of plain words (`python3 etl.py --full`, `dbt run`)
// is started without bash. `bash -c 'cmd args'` execs such a command in place of itself (no fork),
// so the process, its group, exit code and signals are the same; only bash's own start-up (~3 ms
// of CPU per stage, more than wf's own work for the stage) is saved. GNU make does the same for
// recipe lines without shell syntax. Anything else (a quote, `$`, a glob, a redirection, two
// commands, a builtin, a value from `${{ }}`) runs in bash as before.

/**
 * Words of bytes that mean the same to bash inside a word as outside (no quoting, expansion or
 * operator), on one line: after a second line, even an empty one, bash forks and waits instead.
 */
const PLAIN_COMMAND = /^[ \t]*[A-Za-z0-9_@+:,./-]+(?:[ \t]+[A-Za-z0-9_@%+=:,./-]+)*[ \t]*\n?$/;

/** bash keywords and builtins (`compgen -bk`): bash runs these itself, never a program of that name. */
const BASH_OWN = new Set(
  ('. : [ alias bg bind break builtin caller cd command compgen complete compopt continue declare dirs disown echo enable eval exec exit ' +
    'export false fc fg getopts hash help history jobs kill let local logout mapfile popd printf pushd pwd read readarray readonly return ' +
    'set shift shopt source suspend test times trap true type typeset ulimit umask unalias unset wait ' +
    'if then else elif fi case esac for select while until do done in function time { } ! [[ ]] coproc').split(' '),
);

/** Builtins whose programs (in /usr/bin or /bin, never looked up on PATH) do the same when given no arguments. */
const SAME_AS_PROGRAM = new Set(['true', 'false']);

/** The words of a bash script that is one simple command of plain words, or null. */
export function plainCommand(script: string): string[] | null {
  if (!PLAIN_COMMAND.test(script)) return null;
  const words = script.trim().split(/[ \t]+/);
  const name = words[0]!;
  if (BASH_OWN.has(name) && !(SAME_AS_PROGRAM.has(name) && words.length === 1)) return null;
  return words;
}

/**
 * The request that starts `words` as bash would exec them, with the environment bash would give
 * (PWD, SHLVL and `_` set as bash sets them), or null where bash would do something else or the
 * command is not found (then bash runs it and reports as it does), and where the environment holds
 * a variable bash sets, resets or drops itself (BASH_SETS).
 */
export function directRequest(words: string[], env: Record<string, string>, cwd = process.cwd()): SpawnRequest | null {
  for (const key of Object.keys(env)) if (key.startsWith('BASH') || key.startsWith('COMP_') || BASH_SETS.has(key)) return null;
  const shlvl = env.SHLVL;
  // bash warns and resets a level of 1000 or more.
  if (shlvl !== undefined && !(/^(0|[1-9][0-9]{0,2})$/.test(shlvl) && Number(shlvl) <= 998)) return null;
  // bash drops an inherited OLDPWD that is not a folder.
  if (env.OLDPWD !== undefined && !statSync(env.OLDPWD, { throwIfNoEntry: false })?.isDirectory()) return null;
  const name = words[0]!;
  const file = SAME_AS_PROGRAM.has(name) ? coreProgram(name) : findProgram(name, env.PATH, cwd);
  if (!file) return null;
  const pwd = logicalCwd(env.PWD, cwd);
  if (!pwd) return null;
  return { cmd: file, argv0: name, args: words.slice(1), env: { ...env, PWD: pwd, SHLVL: shlvl ?? '0', _: file } };
}

/**
 * Variables bash sets, resets or drops at start-up whatever the environment says (besides BASH*,
 * which also covers BASH_ENV and exported functions, and COMP_*): with one of them inherited, the
 * program would see something else without bash, so bash runs the stage.
 */
const BASH_SETS = new Set(
  'SHELLOPTS PS1 PS2 PS3 PS4 PPID RANDOM SRANDOM HISTCMD IFS OPTIND OPTERR OPTARG LINENO EPOCHSECONDS EPOCHREALTIME SECONDS GROUPS FUNCNAME DIRSTACK UID EUID'.split(' '),
);

/** Found once per process: /usr/bin/true does not come and go during a run (a PATH search does). */
const corePrograms = new Map<string, string | null>();

function coreProgram(name: string): string | null {
  let file = corePrograms.get(name);
  if (file === undefined) {
    file = ['/usr/bin', '/bin'].map((dir) => `${dir}/${name}`).find((f) => probe(f) === 'startable') ?? null;
    corePrograms.set(name, file);
  }
  return file;
}

/** bash's command search: a name with '/' as it is, else the first executable file along PATH (absolute entries only here). */
function findProgram(name: string, path: string | undefined, cwd: string): string | null {
  if (name.includes('/')) return probe(isAbsolute(name) ? name : `${cwd}/${name}`) === 'startable' ? name : null;
  if (path === undefined) return null;
  for (const dir of path.split(':')) {
    // An empty or relative entry means a folder relative to the stage's cwd: bash decides that one.
    if (!isAbsolute(dir)) return null;
    // Joined as bash joins them (no normalising: `a/link/..` is not `a`); searched at every stage,
    // as a new bash would. A stat that misses throws nothing (accessSync builds an exception).
    const file = `${dir}/${name}`;
    const what = statSync(file, { throwIfNoEntry: false }) ? probe(file) : 'absent';
    if (what === 'startable') return file;
    if (what === 'bash') return null;
  }
  return null;
}

/**
 * What bash would do with this file: skip it (absent, a folder, not executable: the search goes
 * on), exec it (an ELF binary or a `#!` script: `startable`), or run it some other way (an
 * executable file without either is run as a bash script: left to bash).
 */
function probe(file: string): 'absent' | 'startable' | 'bash' {
  try {
    accessSync(file, fsConstants.X_OK);
  } catch {
    return 'absent';
  }
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    if (!fstatSync(fd).isFile()) return 'absent';
    const head = Buffer.alloc(4);
    const n = readSync(fd, head, 0, 4, 0);
    return (n >= 2 && head[0] === 0x23 && head[1] === 0x21) || (n === 4 && head.readUInt32BE(0) === 0x7f454c46) ? 'startable' : 'bash';
  } catch {
    return 'bash'; // executable but not readable: bash knows what to do
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** PWD as bash sets it: the inherited one when it is a clean absolute path to the cwd, else the physical cwd. */
function logicalCwd(inherited: string | undefined, cwd: string): string | null {
  if (inherited === undefined) return realpathSync(cwd);
  if (!isAbsolute(inherited) || /\/\.\.?(\/|$)|\/\/|.\/$/.test(inherited)) return null;
  try {
    const a = statSync(inherited);
    const b = statSync(cwd);
    return a.dev === b.dev && a.ino === b.ino ? inherited : realpathSync(cwd);
  } catch {
    return realpathSync(cwd);
  }
}
