/**
 * A second, private dockerd: a second "host" for fleet tests. Debian's dockerd starts and
 * supervises its own containerd under --exec-root, so nothing else is needed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { dockerEngineAt } from './docker-engine';
import {
  abortOnExit,
  killProcessTree,
  logTail,
  readPid,
  isAlive,
  onProcessExit,
  signal,
  sweepStaleDirs,
  teardownDir,
  waitForExit,
  withParentDeathSignal,
} from './processes';
import { ensureTestImage } from './test-image';
import { waitFor } from './wait';
import { describeError } from '@flotilla/logging';

// Unix socket paths are capped at 108 bytes: keep the directory short, directly in /tmp.
const PARENT = '/tmp';
const DIR_PREFIX = 'fd-';
// dockerd lives in /usr/sbin and looks for runc there too, which a non-login PATH may lack.
const SBIN_PATH = `${process.env.PATH ?? '/usr/bin:/bin'}:/usr/local/sbin:/usr/sbin:/sbin`;

export interface SecondDockerdOptions {
  startTimeoutMs?: number;
  /** Import the busybox test image after start (default true). */
  withTestImage?: boolean;
}

export interface SecondDockerd {
  readonly dir: string;
  readonly socketPath: string;
  /** A dockerode client for this engine; it stays usable across restarts. */
  readonly docker: Docker;
  readonly logPath: string;
  readonly running: boolean;
  /** Kills its running containers, then SIGTERMs dockerd (which stops its containerd). */
  stop(): Promise<void>;
  /**
   * SIGKILLs dockerd and its containerd (which dies of SIGPIPE anyway once dockerd stops
   * reading its output), as a crash. Shims and containers live on; after `restart()` the new
   * dockerd finds them and, without live-restore, stops them: they show as exited.
   */
  kill(): Promise<void>;
  /** Stops it if it runs, then starts it again on the same directory and socket. */
  restart(): Promise<void>;
  /** Kills everything it ever started, unmounts and deletes its directory. */
  close(): Promise<void>;
}

/**
 * Kills the engine's processes (dockerd, its containerd, shims and containers), unmounts and
 * deletes its directory, and removes the cgroups of containers that were killed under it
 * (both engines share the cgroupfs parent "docker", so nobody else would).
 */
function teardownEngineDir(dir: string): void {
  let ids: string[] = [];
  try {
    ids = readdirSync(join(dir, 'data/containers'));
  } catch {
    // never created a container
  }
  teardownDir(dir);
  for (const id of ids) {
    for (const controller of safeReaddir('/sys/fs/cgroup')) {
      try {
        rmdirSync(join('/sys/fs/cgroup', controller, 'docker', id));
      } catch {
        // not there, or already gone
      }
    }
  }
}

function removeStalePidFile(file: string): void {
  const pid = readPid(file);
  if (pid !== undefined && !isAlive(pid)) rmSync(file, { force: true });
}

function safeReaddir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

class SecondEngine implements SecondDockerd {
  readonly socketPath: string;
  readonly logPath: string;
  readonly docker: Docker;
  private child: ChildProcess | undefined;
  private readonly removeExitHook: () => void;

  constructor(
    readonly dir: string,
    private readonly startTimeoutMs: number,
  ) {
    this.socketPath = join(dir, 'docker.sock');
    this.logPath = join(dir, 'dockerd.log');
    this.docker = dockerEngineAt(this.socketPath);
    this.removeExitHook = onProcessExit(() => teardownEngineDir(this.dir));
  }

  get running(): boolean {
    return (
      this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null
    );
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.killOrphanedContainerd();
    // dockerd refuses to start over a pid file naming a live process, and adopts a containerd
    // whose pid file names one; a killed process stays a zombie until init reaps it, which
    // both checks take for alive.
    removeStalePidFile(join(this.dir, 'docker.pid'));
    removeStalePidFile(join(this.dir, 'exec/containerd/containerd.pid'));
    const fd = openSync(this.logPath, 'a');
    const d = this.dir;
    // On SIGTERM (parent death, Ctrl-C of the run) dockerd stops its containers and containerd.
    const child = spawn(
      ...withParentDeathSignal('dockerd', [
        '-H',
        `unix://${d}/docker.sock`,
        '--data-root',
        `${d}/data`,
        '--exec-root',
        `${d}/exec`,
        '--pidfile',
        `${d}/docker.pid`,
        '--config-file',
        `${d}/daemon.json`,
        '--bridge=none',
        '--iptables=false',
        '--ip-forward=false',
        '--ip-masq=false',
      ]),
      { stdio: ['ignore', fd, fd], env: { ...process.env, PATH: SBIN_PATH } },
    );
    closeSync(fd);
    // A handle a test forgot to close must not keep the test run alive; the exit hook kills it.
    child.unref();
    this.child = child;
    try {
      await waitFor(() => this.docker.ping().then(() => true), {
        timeoutMs: this.startTimeoutMs,
        intervalMs: 100,
        message: `dockerd on ${this.socketPath}`,
        signal: abortOnExit(child, 'dockerd'),
      });
    } catch (error: unknown) {
      const reason = describeError(error);
      throw new Error(`${reason}\n--- ${this.logPath} ---\n${logTail(this.logPath)}`, {
        cause: error,
      });
    }
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    // dockerd's shutdown waits out each container's stop timeout: kill them first.
    try {
      const containers = await this.docker.listContainers();
      await Promise.allSettled(containers.map((c) => this.docker.getContainer(c.Id).kill()));
    } catch {
      // the engine may not answer any more; the signals below still apply
    }
    await this.signalAndWait('SIGTERM', 15_000);
  }

  async kill(): Promise<void> {
    await this.signalAndWait('SIGKILL', 5_000);
    // Its containerd would die of SIGPIPE at its next log line (dockerd reads its output);
    // kill it now so a restart does not adopt a dying one. Shims and containers live on.
    this.killOrphanedContainerd();
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async close(): Promise<void> {
    await this.stop().catch(() => undefined);
    teardownEngineDir(this.dir);
    this.removeExitHook();
  }

  private killOrphanedContainerd(): void {
    killProcessTree(`--config ${this.dir}/exec/containerd/containerd.toml`);
  }

  private async signalAndWait(sig: NodeJS.Signals, timeoutMs: number): Promise<void> {
    const child = this.child;
    if (!child?.pid || !this.running) return;
    signal(child.pid, sig);
    if (!(await waitForExit(child, timeoutMs))) {
      signal(child.pid, 'SIGKILL');
      await waitForExit(child, 5_000);
    }
  }
}

/**
 * Starts `dockerd -H unix://DIR/docker.sock --data-root DIR/data --exec-root DIR/exec
 * --pidfile DIR/docker.pid --config-file DIR/daemon.json --bridge=none ...` in a fresh
 * /tmp/fd-XXXXXX, waits until it answers and imports the test image. Call `close()` when done.
 */
export async function startSecondDockerd(opts: SecondDockerdOptions = {}): Promise<SecondDockerd> {
  sweepStaleDirs(PARENT, DIR_PREFIX, teardownEngineDir);
  const dir = mkdtempSync(join(PARENT, DIR_PREFIX));
  writeFileSync(join(dir, 'owner.pid'), String(process.pid));
  // Dockerd derives its engine ID from /etc/docker/key.json unless told otherwise: without a
  // key of its own, the second engine would report the same ID (the same "host") as the first.
  writeFileSync(
    join(dir, 'daemon.json'),
    JSON.stringify({ 'deprecated-key-path': join(dir, 'key.json') }),
  );
  const engine = new SecondEngine(dir, opts.startTimeoutMs ?? 30_000);
  try {
    await engine.start();
    if (opts.withTestImage !== false) await ensureTestImage(engine.docker);
    return engine;
  } catch (error: unknown) {
    await engine.close();
    throw error;
  }
}
