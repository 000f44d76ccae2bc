/**
 * Process and directory teardown for the daemons the helpers start. Synchronous on purpose:
 * the same code runs from a process 'exit' hook, where nothing asynchronous completes.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';

interface ProcInfo {
  pid: number;
  ppid: number;
  state: string;
  cmdline: string;
}

function readProc(pid: number): ProcInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: parse after the last ')'.
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    return { pid, ppid: Number(ppid), state, cmdline };
  } catch {
    return undefined; // gone while we looked
  }
}

function listProcesses(): ProcInfo[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readProc(Number(name)))
    .filter((p): p is ProcInfo => p !== undefined);
}

/** True while `pid` runs; a zombie counts as gone. */
export function isAlive(pid: number): boolean {
  const info = readProc(pid);
  return info !== undefined && info.state !== 'Z' && info.state !== 'X';
}

/** Blocks the thread; only for the short waits of a synchronous teardown. */
export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/**
 * SIGKILLs every process whose command line mentions `needle` or whose pid is in `pids`,
 * with all their descendants (container processes sit under containerd shims whose
 * command line names the engine's directory, not the processes themselves).
 */
export function killProcessTree(needle: string | undefined, pids: number[] = []): void {
  for (let round = 0; round < 5; round++) {
    const all = listProcesses();
    const victims = new Set(
      all
        .filter((p) => pids.includes(p.pid) || (needle && p.cmdline.includes(needle)))
        .map((p) => p.pid),
    );
    victims.delete(process.pid);
    for (let grew = true; grew;) {
      grew = false;
      for (const p of all) {
        if (victims.has(p.ppid) && !victims.has(p.pid)) {
          victims.add(p.pid);
          grew = true;
        }
      }
    }
    const alive = [...victims].filter(isAlive);
    if (alive.length === 0) return;
    alive.forEach((pid) => signal(pid, 'SIGKILL'));
    for (let i = 0; i < 50 && alive.some(isAlive); i++) sleepSync(20);
  }
}

/** Lazily unmounts everything mounted at or below `dir` (dockerd stacks bind mounts there). */
export function unmountUnder(dir: string): void {
  for (let round = 0; round < 10; round++) {
    const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .map((line) => line.split(' ')[4]?.replace(/\\040/g, ' '))
      .filter((m): m is string => m !== undefined && (m === dir || m.startsWith(`${dir}/`)))
      .sort((a, b) => b.length - a.length);
    if (mounts.length === 0) return;
    for (const mount of mounts) spawnSync('umount', ['-l', mount], { stdio: 'ignore' });
  }
}

/** Kills what runs from `dir`, unmounts what is mounted under it, then deletes it. */
export function teardownDir(dir: string, pids: number[] = []): void {
  if (!existsSync(dir)) {
    killProcessTree(undefined, pids);
    return;
  }
  killProcessTree(`${dir}/`, pids);
  unmountUnder(dir);
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

/** Resolves once `child` has exited, or with false after `timeoutMs`. */
export function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, timeoutMs);
    const onExit = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

/** The last lines of a daemon's log file, for error messages. */
export function logTail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

const exitCleanups = new Set<() => void>();
const runExitCleanups = (): void => {
  for (const cleanup of exitCleanups) {
    try {
      cleanup();
    } catch {
      // best effort: the process is exiting anyway
    }
  }
  exitCleanups.clear();
};
const FATAL_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
/** Cleans up, then dies of the signal as it would have, unless someone else handles it. */
const onFatalSignal = (sig: NodeJS.Signals): void => {
  runExitCleanups();
  if (process.listenerCount(sig) === 1) {
    uninstall();
    process.kill(process.pid, sig);
  }
};
const install = (): void => {
  process.on('exit', runExitCleanups);
  for (const sig of FATAL_SIGNALS) process.on(sig, onFatalSignal);
};
const uninstall = (): void => {
  process.off('exit', runExitCleanups);
  for (const sig of FATAL_SIGNALS) process.off(sig, onFatalSignal);
};

/**
 * Runs `cleanup` if the process exits (or is interrupted) before the returned function is
 * called, so a script that forgets (or fails before) its teardown leaves no daemon behind.
 * Jest hands each test file a copy of `process` that never emits these: there the daemons'
 * parent-death signal (`withParentDeathSignal`) stops them, and the next run's sweep removes
 * their directories.
 */
export function onProcessExit(cleanup: () => void): () => void {
  if (exitCleanups.size === 0) install();
  exitCleanups.add(cleanup);
  return () => {
    exitCleanups.delete(cleanup);
    if (exitCleanups.size === 0) uninstall();
  };
}

/**
 * Tears down leftovers of crashed runs: directories named `prefix*` in `parent` whose
 * `owner.pid` names a process that is gone. Directories of live runs are left alone.
 */
export function sweepStaleDirs(
  parent: string,
  prefix: string,
  teardown: (dir: string) => void = (dir) => teardownDir(dir),
): void {
  let names: string[];
  try {
    names = readdirSync(parent).filter((name) => name.startsWith(prefix));
  } catch {
    return;
  }
  for (const name of names) {
    const dir = `${parent}/${name}`;
    const owner = readPid(`${dir}/owner.pid`);
    if (owner !== undefined && !isAlive(owner)) teardown(dir);
  }
}

/** The command line of `pid`, or undefined when it is gone. */
export function commandLine(pid: number): string | undefined {
  return readProc(pid)?.cmdline;
}

export function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Wraps a command so the kernel sends it SIGTERM when the process that spawned it dies (even
 * of SIGKILL): a crashed or forgetful test run leaves no daemon running.
 */
export function withParentDeathSignal(command: string, args: string[]): [string, string[]] {
  return ['setpriv', ['--pdeathsig', 'TERM', '--', command, ...args]];
}

/** An AbortSignal that fires when `child` exits, naming `what` and how it ended. */
export function abortOnExit(child: ChildProcess, what: string): AbortSignal {
  const controller = new AbortController();
  const onExit = (code: number | null, sig: NodeJS.Signals | null): void =>
    controller.abort(new Error(`${what} exited early (${code ?? sig})`));
  if (child.exitCode !== null || child.signalCode !== null)
    onExit(child.exitCode, child.signalCode);
  else child.once('exit', onExit);
  child.once('error', (error) => controller.abort(error));
  return controller.signal;
}
