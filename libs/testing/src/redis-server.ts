/** A throwaway redis-server per test suite, which tests may stop, kill and restart. */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports';
import {
  abortOnExit,
  commandLine,
  logTail,
  onProcessExit,
  readPid,
  signal,
  sweepStaleDirs,
  teardownDir,
  waitForExit,
  withParentDeathSignal,
} from './processes';
import { waitFor } from './wait';
import { describeError } from '@flotilla/logging';

export interface RedisOptions {
  /** Fixed port; by default a free one is picked (and re-picked if another process grabs it). */
  port?: number;
  /** Extra `redis-server` arguments, e.g. `['--maxmemory', '10mb']`. */
  args?: string[];
  /**
   * Runs Debian's `redis-sentinel` instead, with this text as its config file (written into
   * the server's directory, where Sentinel rewrites it as it learns the topology).
   */
  sentinelConfig?: string;
  startTimeoutMs?: number;
}

export interface RedisHandle {
  /** `redis://127.0.0.1:<port>`; stays valid across stop/start. */
  readonly url: string;
  readonly port: number;
  /** Working directory (pid file, log). */
  readonly dir: string;
  readonly running: boolean;
  /** (Re)starts on the same port and resolves once it answers PING. */
  start(): Promise<void>;
  /** SIGTERM, as an orderly shutdown; resolves once the process is gone. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash; resolves once the process is gone. */
  kill(): Promise<void>;
  /** Stops the server for good and deletes its directory. */
  close(): Promise<void>;
}

const DIR_PREFIX = 'flotilla-redis-';

/** True when something on `port` answers a raw RESP PING with +PONG. */
export function pingRedis(port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

class RedisServer implements RedisHandle {
  private child: ChildProcess | undefined;
  private closed = false;
  private readonly removeExitHook: () => void;

  constructor(
    readonly port: number,
    readonly dir: string,
    private readonly extraArgs: string[],
    private readonly startTimeoutMs: number,
    private readonly sentinelConfig: string | undefined,
  ) {
    this.removeExitHook = onProcessExit(() => teardownDir(this.dir, this.pids()));
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return (
      this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null
    );
  }

  async start(): Promise<void> {
    if (this.closed) throw new Error(`redis-server on port ${this.port} was closed`);
    if (this.running) return;
    const log = join(this.dir, 'redis.log');
    const fd = openSync(log, 'a');
    let leading: string[] = [];
    if (this.sentinelConfig !== undefined) {
      const config = join(this.dir, 'sentinel.conf');
      // Written once: a restarted Sentinel keeps what it learned (the promoted master).
      if (!existsSync(config)) writeFileSync(config, this.sentinelConfig);
      leading = [config];
    }
    const binary = this.sentinelConfig === undefined ? 'redis-server' : 'redis-sentinel';
    const child = spawn(
      ...withParentDeathSignal(binary, [
        ...leading,
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        this.dir,
        '--pidfile',
        join(this.dir, 'redis.pid'),
        '--daemonize',
        'no',
        ...this.extraArgs,
        ...(this.sentinelConfig === undefined ? [] : ['--sentinel']),
      ]),
      { cwd: this.dir, stdio: ['ignore', fd, fd] },
    );
    closeSync(fd);
    // A handle a test forgot to close must not keep the test run alive; the exit hook kills it.
    child.unref();
    this.child = child;
    try {
      const port = this.port;
      await waitFor(() => pingRedis(port), {
        timeoutMs: this.startTimeoutMs,
        intervalMs: 25,
        message: `${binary} on port ${port}`,
        signal: abortOnExit(child, binary),
      });
    } catch (error: unknown) {
      await this.kill();
      const reason = describeError(error);
      throw new Error(`${reason}\n--- ${log} ---\n${logTail(log)}`, { cause: error });
    }
  }

  stop(): Promise<void> {
    return this.terminate('SIGTERM');
  }

  kill(): Promise<void> {
    return this.terminate('SIGKILL');
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.terminate('SIGTERM');
    teardownDir(this.dir, this.pids());
    this.removeExitHook();
  }

  private async terminate(sig: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child?.pid || !this.running) return;
    signal(child.pid, sig);
    if (!(await waitForExit(child, 5_000))) {
      signal(child.pid, 'SIGKILL');
      await waitForExit(child, 5_000);
    }
  }

  private pids(): number[] {
    return this.child?.pid && this.running ? [this.child.pid] : [];
  }
}

/** Pid of the redis-server a crashed run left in `dir`, if it still runs. */
function strayRedis(dir: string): number[] {
  const pid = readPid(join(dir, 'redis.pid'));
  return pid !== undefined && /^redis-(server|sentinel)/.test(commandLine(pid) ?? '') ? [pid] : [];
}

/**
 * Starts `redis-server --save '' --appendonly no --bind 127.0.0.1` on a free port in a temp
 * dir and resolves once it answers PING. Call `close()` when done (a process exit hook
 * cleans up otherwise).
 */
export async function startRedis(opts: RedisOptions = {}): Promise<RedisHandle> {
  sweepStaleDirs(tmpdir(), DIR_PREFIX, (dir) => teardownDir(dir, strayRedis(dir)));
  const attempts = opts.port === undefined ? 3 : 1;
  for (let attempt = 1; ; attempt++) {
    const dir = mkdtempSync(join(tmpdir(), DIR_PREFIX));
    writeFileSync(join(dir, 'owner.pid'), String(process.pid));
    const server = new RedisServer(
      opts.port ?? (await freePort()),
      dir,
      opts.args ?? [],
      opts.startTimeoutMs ?? 10_000,
      opts.sentinelConfig,
    );
    try {
      await server.start();
      return server;
    } catch (error: unknown) {
      await server.close();
      // Another process may have taken the port between freePort() and bind: pick again.
      if (attempt >= attempts) throw error;
    }
  }
}
