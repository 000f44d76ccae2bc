/**
 * A simulated Docker engine: the part of the Engine API the agent calls (version, list, inspect,
 * events, logs, stats, start/stop/restart/pause/unpause/remove), served over a unix socket from
 * an in-memory model. The real agent runs against it unchanged, so what reaches the bus is what a
 * real agent publishes: only the engine is simulated.
 *
 * Logs cost no memory: line `k` of a container is a pure function of `k`, stamped at
 * `epoch + k / rate`, so `tail`, `since` and following are computed, never stored. (Lines keep
 * coming while a container is stopped, unlike Docker; a follow still ends when it stops.)
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { rm } from 'node:fs/promises';

export interface SimulatedEngineOptions {
  hostId: string;
  socketPath: string;
  containers: number;
  /** Log lines each container writes per second (default 2). */
  logLinesPerSecond?: number;
  /** Compose projects the containers are spread over (default 10). */
  projects?: number;
}

interface SimContainer {
  id: string;
  name: string;
  image: string;
  project: string;
  service: string;
  created: string;
  running: boolean;
  paused: boolean;
  exitCode: number;
  startedAt: string;
  finishedAt: string;
  /** Cumulative CPU time (ns) for the stats samples. */
  cpuNs: number;
}

interface Follow {
  container: SimContainer;
  res: ServerResponse;
  /** Next line number to send. */
  next: number;
}

const ZERO_TIME = '0001-01-01T00:00:00Z';
const API_VERSION = '1.47';
const ENGINE_VERSION = '27.0.0-sim';
const STDOUT = 1;
const STDERR = 2;
const HOST_MEMORY = 16 * 1024 ** 3;
const CPUS = 4;

/** Docker's RFC3339Nano for a time in ms (nanoseconds padded). */
function rfc3339Nano(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

/**
 * Docker's `since` (`<seconds>[.<nanoseconds>]`) as the first whole millisecond it admits (line
 * times are whole milliseconds; a double cannot hold the nanoseconds of an epoch time).
 */
function sinceMs(since: string): number {
  const [s, ns = '0'] = since.split('.');
  const nanos = Number(ns.padEnd(9, '0').slice(0, 9));
  return Number(s) * 1_000 + Math.ceil(nanos / 1e6);
}

/** One multiplexed log frame (stdcopy): stream byte, three zero bytes, big-endian length. */
function frame(stream: number, text: string): Buffer {
  const body = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

export class SimulatedEngine {
  readonly hostId: string;
  readonly socketPath: string;
  private readonly containers = new Map<string, SimContainer>();
  private readonly eventStreams = new Set<ServerResponse>();
  private readonly follows = new Set<Follow>();
  private readonly statsStreams = new Set<{ container: SimContainer; res: ServerResponse }>();
  private readonly server: Server;
  private readonly periodMs: number;
  private readonly epoch = Date.now();
  private readonly ticker: NodeJS.Timeout;
  private statsTick = 0;
  /** Requests answered, by kind (for the simulator's own report). */
  readonly served = { requests: 0, events: 0, logLines: 0, statsSamples: 0 };

  constructor(options: SimulatedEngineOptions) {
    this.hostId = options.hostId;
    this.socketPath = options.socketPath;
    this.periodMs = 1_000 / (options.logLinesPerSecond ?? 2);
    const projects = options.projects ?? 10;
    for (let i = 0; i < options.containers; i++) this.add(i, projects);
    this.server = createServer((req, res) => this.route(req, res));
    // One timer for every open log and stats stream of the engine.
    this.ticker = setInterval(() => this.tick(), 100);
    this.ticker.unref();
  }

  async listen(): Promise<void> {
    await rm(this.socketPath, { force: true });
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.socketPath, () => resolve());
    });
  }

  async close(): Promise<void> {
    clearInterval(this.ticker);
    for (const res of this.eventStreams) res.destroy();
    for (const f of this.follows) f.res.destroy();
    for (const s of this.statsStreams) s.res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await rm(this.socketPath, { force: true });
  }

  ids(): string[] {
    return [...this.containers.keys()];
  }

  /** Open streams right now: what the agent follows. */
  openStreams(): { events: number; logs: number; stats: number } {
    return {
      events: this.eventStreams.size,
      logs: this.follows.size,
      stats: this.statsStreams.size,
    };
  }

  /**
   * One state change, as an operator or a crash would cause it: a running container stops (exit
   * 0, or 137 for one in five) and a stopped one starts. Returns the time Docker would stamp on
   * it (the container's new `started_at` / `finished_at`).
   */
  toggle(id: string): string {
    const c = this.must(id);
    return c.running ? this.stop(c, Math.random() < 0.2 ? 137 : 0) : this.start(c);
  }

  /** Line `k` of a container, as its process wrote it. */
  static lineText(name: string, k: number): string {
    return k % 10 === 0
      ? `{"level":"warn","msg":"slow request","line":${k},"service":"${name}"}`
      : `${name} line ${k}`;
  }

  private add(i: number, projects: number): void {
    const id = createHash('sha256').update(`${this.hostId}/${i}`).digest('hex');
    const project = `stack${i % projects}`;
    const service = `svc${Math.floor(i / projects)}`;
    const created = rfc3339Nano(this.epoch - 86_400_000 + i * 1_000);
    const running = i % 10 !== 9;
    this.containers.set(id, {
      id,
      name: `${project}-${service}-1`,
      image: `registry.local/${service}:1.${i % 7}`,
      project,
      service,
      created,
      running,
      paused: false,
      exitCode: running ? 0 : i % 20 === 9 ? 137 : 0,
      startedAt: rfc3339Nano(this.epoch - 3_600_000 + i * 1_000),
      finishedAt: running ? ZERO_TIME : rfc3339Nano(this.epoch - 600_000 + i * 1_000),
      cpuNs: 0,
    });
  }

  private must(id: string): SimContainer {
    const c = this.containers.get(id);
    if (!c) throw new Error(`no container ${id} on ${this.hostId}`);
    return c;
  }

  private start(c: SimContainer): string {
    c.running = true;
    c.paused = false;
    c.startedAt = rfc3339Nano(Date.now());
    this.emit(c, 'start');
    return c.startedAt;
  }

  private stop(c: SimContainer, exitCode: number): string {
    c.running = false;
    c.paused = false;
    c.exitCode = exitCode;
    c.finishedAt = rfc3339Nano(Date.now());
    if (exitCode !== 0) this.emit(c, 'kill');
    this.emit(c, 'die');
    if (exitCode === 0) this.emit(c, 'stop');
    // Docker ends a follow when the container stops.
    for (const f of this.follows) if (f.container === c) this.endFollow(f);
    for (const s of this.statsStreams) if (s.container === c) s.res.end();
    return c.finishedAt;
  }

  private emit(c: SimContainer, action: string): void {
    const now = Date.now();
    const event = {
      status: action,
      id: c.id,
      from: c.image,
      Type: 'container',
      Action: action,
      Actor: { ID: c.id, Attributes: { image: c.image, name: c.name } },
      scope: 'local',
      time: Math.floor(now / 1_000),
      timeNano: now * 1e6,
    };
    const line = `${JSON.stringify(event)}\n`;
    this.served.events++;
    for (const res of this.eventStreams) res.write(line);
  }

  private inspect(c: SimContainer): object {
    return {
      Id: c.id,
      Name: `/${c.name}`,
      Created: c.created,
      State: {
        Status: c.running ? (c.paused ? 'paused' : 'running') : 'exited',
        Running: c.running,
        Paused: c.paused,
        Restarting: false,
        OOMKilled: false,
        Dead: false,
        ExitCode: c.exitCode,
        StartedAt: c.startedAt,
        FinishedAt: c.finishedAt,
      },
      Config: {
        Image: c.image,
        Tty: false,
        Labels: {
          'com.docker.compose.project': c.project,
          'com.docker.compose.service': c.service,
          'com.docker.compose.container-number': '1',
        },
      },
      NetworkSettings: { Ports: { '8080/tcp': null } },
    };
  }

  private route(req: IncomingMessage, res: ServerResponse): void {
    this.served.requests++;
    const url = new URL(req.url ?? '/', 'http://engine');
    const path = url.pathname.replace(/^\/v\d+\.\d+/, '');
    const method = req.method ?? 'GET';
    // Drain any request body (dockerode sends `{}` on some POSTs).
    req.resume();
    if (method === 'GET' && path === '/_ping') return void res.end('OK');
    if (method === 'GET' && path === '/version')
      return json(res, 200, { Version: ENGINE_VERSION, ApiVersion: API_VERSION, Os: 'linux' });
    if (method === 'GET' && path === '/containers/json')
      return json(
        res,
        200,
        [...this.containers.values()]
          .filter(
            (c) =>
              c.running ||
              url.searchParams.get('all') === 'true' ||
              url.searchParams.get('all') === '1',
          )
          .map((c) => ({ Id: c.id, Names: [`/${c.name}`], Image: c.image })),
      );
    if (method === 'GET' && path === '/events') return this.events(res);
    const m = /^\/containers\/([^/]+)(?:\/([a-z]+))?$/.exec(path);
    const c = m ? this.containers.get(m[1]) : undefined;
    if (!m || !c) return json(res, 404, { message: `No such container: ${m?.[1] ?? path}` });
    const op = m[2];
    if (method === 'GET' && op === 'json') return json(res, 200, this.inspect(c));
    if (method === 'GET' && op === 'logs') return this.logs(c, url.searchParams, res);
    if (method === 'GET' && op === 'stats') return this.stats(c, res);
    if (method === 'DELETE' && op === undefined) {
      if (c.running) this.stop(c, 137);
      this.containers.delete(c.id);
      this.emit(c, 'destroy');
      return void res.writeHead(204).end();
    }
    if (method === 'POST') {
      switch (op) {
        case 'start':
          if (c.running) return void res.writeHead(304).end();
          this.start(c);
          return void res.writeHead(204).end();
        case 'stop':
          if (!c.running) return void res.writeHead(304).end();
          this.stop(c, 0);
          return void res.writeHead(204).end();
        case 'restart':
          if (c.running) this.stop(c, 0);
          this.start(c);
          this.emit(c, 'restart');
          return void res.writeHead(204).end();
        case 'pause':
        case 'unpause':
          if (!c.running) return json(res, 409, { message: `Container ${c.id} is not running` });
          c.paused = op === 'pause';
          this.emit(c, op);
          return void res.writeHead(204).end();
      }
    }
    json(res, 404, { message: `page not found: ${method} ${path}` });
  }

  private events(res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    this.eventStreams.add(res);
    res.on('close', () => this.eventStreams.delete(res));
  }

  /** When line `k` was written (whole ms). */
  private timeOf(k: number): number {
    return this.epoch + Math.floor(k * this.periodMs);
  }

  /** The newest line written by `ms`. */
  private lineAt(ms: number): number {
    let k = Math.floor((ms - this.epoch) / this.periodMs);
    while (this.timeOf(k + 1) <= ms) k++;
    while (k > 0 && this.timeOf(k) > ms) k--;
    return k;
  }

  private logs(c: SimContainer, q: URLSearchParams, res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'application/vnd.docker.multiplexed-stream' });
    const newest = this.lineAt(Date.now());
    let first = 1;
    const since = q.get('since');
    if (since) first = Math.max(1, this.lineAt(sinceMs(since) - 1) + 1);
    const tail = q.get('tail');
    if (tail !== null && tail !== 'all') first = Math.max(first, newest - Number(tail) + 1);
    const follow: Follow = { container: c, res, next: first };
    this.write(follow, newest);
    const following = q.get('follow') === 'true' || q.get('follow') === '1';
    if (!following || !c.running) return void res.end();
    this.follows.add(follow);
    res.on('close', () => this.follows.delete(follow));
  }

  /** Writes lines `follow.next` … `upTo` of the followed container. */
  private write(follow: Follow, upTo: number): void {
    const frames: Buffer[] = [];
    for (let k = follow.next; k <= upTo; k++) {
      const ts = rfc3339Nano(this.timeOf(k));
      const text = SimulatedEngine.lineText(follow.container.name, k);
      frames.push(frame(k % 10 === 0 ? STDERR : STDOUT, `${ts} ${text}\n`));
    }
    follow.next = Math.max(follow.next, upTo + 1);
    if (frames.length === 0) return;
    this.served.logLines += frames.length;
    follow.res.write(Buffer.concat(frames));
  }

  private endFollow(follow: Follow): void {
    this.write(follow, this.lineAt(Date.now()));
    this.follows.delete(follow);
    follow.res.end();
  }

  private stats(c: SimContainer, res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    const entry = { container: c, res };
    res.write(this.sample(c, null));
    if (!c.running) return void res.end();
    this.statsStreams.add(entry);
    res.on('close', () => this.statsStreams.delete(entry));
  }

  private sample(c: SimContainer, previous: { cpuNs: number; system: number } | null): string {
    const system = Date.now() * 1e6 * CPUS;
    const cpu = (cpuNs: number, sys: number) => ({
      cpu_usage: { total_usage: cpuNs },
      system_cpu_usage: sys,
      online_cpus: CPUS,
    });
    const usage = (64 + (c.id.charCodeAt(0) % 64)) * 1024 ** 2;
    return `${JSON.stringify({
      read: new Date().toISOString(),
      pids_stats: { current: 3 },
      cpu_stats: cpu(c.cpuNs, system),
      precpu_stats: previous ? cpu(previous.cpuNs, previous.system) : { cpu_usage: {} },
      memory_stats: { usage, limit: HOST_MEMORY, stats: { inactive_file: 0 } },
      networks: { eth0: { rx_bytes: c.cpuNs % 100_000, tx_bytes: c.cpuNs % 50_000 } },
      blkio_stats: { io_service_bytes_recursive: [] },
    })}\n`;
  }

  private tick(): void {
    const newest = this.lineAt(Date.now());
    for (const f of this.follows) this.write(f, newest);
    // Stats once a second, as Docker samples them.
    if (++this.statsTick % 10 !== 0) return;
    for (const s of this.statsStreams) {
      const previous = { cpuNs: s.container.cpuNs, system: (Date.now() - 1_000) * 1e6 * CPUS };
      // 1–10 % of one CPU.
      s.container.cpuNs += 1e7 + (s.container.id.charCodeAt(1) % 10) * 1e7;
      s.res.write(this.sample(s.container, previous));
      this.served.statsSamples++;
    }
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}
