import { PassThrough } from 'node:stream';
import { createMemoryBus, type Bus, type LogBatch, type LogEntry } from '@flotilla/bus';
import { waitFor } from '@flotilla/testing';
import { AgentMetrics } from '../agent-metrics';
import type { ContainerClient, LogRequest } from '../docker/container-client';
import type { DockerInspect } from '../docker/docker-inspect';
import { BusHealth } from '../heartbeat/bus-health';
import { silentLogger } from '../shared/agent-logger';
import { frame } from '../../test/support/docker-log-fixtures';
import { STDOUT } from './frame-demuxer';
import { LogFollower } from './log-follower';

const HOST = 'host-a';
const CID = 'c'.repeat(64);
const ts = (n: number): string => `2026-01-01T00:00:00.${String(n).padStart(9, '0')}Z`;
const line = (n: number, text = `line ${n}`): Buffer =>
  frame(STDOUT, Buffer.from(`${ts(n)} ${text}\n`));

/** A fake engine whose log streams the test writes into. */
class FakeDocker {
  readonly requests: LogRequest[] = [];
  readonly streams: PassThrough[] = [];
  running = true;

  inspect(): Promise<DockerInspect> {
    return Promise.resolve({
      Id: CID,
      Name: '/c',
      Created: ts(0),
      State: {
        Status: this.running ? 'running' : 'exited',
        Running: this.running,
        Paused: false,
        Restarting: false,
        Dead: false,
        ExitCode: 0,
        StartedAt: ts(0),
        FinishedAt: ts(0),
      },
      Config: { Image: 'img', Tty: false },
    });
  }

  logs(_id: string, request: LogRequest): Promise<PassThrough> {
    this.requests.push(request);
    const stream = new PassThrough();
    this.streams.push(stream);
    return Promise.resolve(stream);
  }

  get current(): PassThrough {
    return this.streams[this.streams.length - 1];
  }
}

describe('LogFollower', () => {
  let bus: Bus;
  let docker: FakeDocker;
  let metrics: AgentMetrics;
  let follower: LogFollower | undefined;

  beforeEach(() => {
    bus = createMemoryBus();
    docker = new FakeDocker();
    metrics = new AgentMetrics();
  });
  afterEach(async () => {
    await follower?.stop();
    await bus.close();
  });

  const start = (
    b: Bus = bus,
    batching?: { maxLines: number; maxBytes: number; lingerMs: number; highWaterBytes: number },
  ): LogFollower => {
    follower = new LogFollower(CID, {
      hostId: HOST,
      docker: docker as unknown as ContainerClient,
      bus: b,
      metrics,
      busHealth: new BusHealth(),
      logger: silentLogger,
      batching,
    });
    follower.start(() => undefined);
    return follower;
  };
  const stored = async (): Promise<LogEntry[]> => bus.logs.range(HOST, CID, '0-0', 1000);
  const batch = (from: number, to: number): LogBatch => {
    const lines = [];
    for (let i = from; i <= to; i++) lines.push(`${ts(i)} line ${i}`);
    return { lines, stderr: [], lastTimestamp: ts(to) };
  };

  it('backfills 100 lines when the container has no log stream yet, numbering from 1', async () => {
    start();
    await waitFor(() => docker.streams.length === 1);
    expect(docker.requests[0]).toEqual({ tail: 100 });
    docker.current.write(Buffer.concat([line(1), line(2)]));
    await waitFor(async () => (await stored()).length === 1);
    expect(await stored()).toEqual([
      expect.objectContaining({ id: '2-0', seq: 2, n: 2, lastTimestamp: ts(2) }) as LogEntry,
    ]);
    expect(metrics.counters.openLogStreams).toBe(1);
  });

  it('resumes 1 ns after the last stored timestamp and continues the numbering', async () => {
    await bus.logs.append(HOST, CID, 1, batch(1, 5));
    start();
    await waitFor(() => docker.streams.length === 1);
    expect(docker.requests[0]).toEqual({
      since: `${Date.parse('2026-01-01T00:00:00Z') / 1000}.000000006`,
    });
    docker.current.write(line(6));
    await waitFor(async () => (await stored()).length === 2);
    expect((await stored())[1]).toMatchObject({ id: '6-0', n: 1 });
  });

  it('after a complete read of an empty log, reads everything (not a tail) when the container starts', async () => {
    docker.running = false;
    start();
    await waitFor(() => docker.streams.length === 1);
    docker.current.end();
    await waitFor(() => metrics.counters.openLogStreams === 0);
    docker.running = true;
    follower!.containerChanged();
    await waitFor(() => docker.streams.length === 2);
    expect(docker.requests[1]).toEqual({});
  });

  it('resyncs its numbering when another writer got ahead (stale id) and loses no line', async () => {
    start();
    await waitFor(() => docker.streams.length === 1);
    docker.current.write(line(1));
    await waitFor(async () => (await stored()).length === 1);
    // Someone else appended lines 2..10 meanwhile.
    await bus.logs.append(HOST, CID, 2, batch(2, 10));
    docker.current.write(line(11, 'mine'));
    await waitFor(async () => (await stored()).length === 3);
    expect((await stored())[2]).toMatchObject({ seq: 11, text: `${ts(11)} mine\n` });
    expect(metrics.counters.logSeqResyncs).toBe(1);
  });

  it('pauses Docker while the bus is slower, and resumes when it catches up (bounded buffer)', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const slowBus: Bus = {
      ...bus,
      logs: {
        ...bus.logs,
        last: (h, c) => bus.logs.last(h, c),
        append: async (h, c, first, b) => {
          await gate;
          return bus.logs.append(h, c, first, b);
        },
      },
    };
    start(slowBus, { maxLines: 10, maxBytes: 1_000_000, lingerMs: 1, highWaterBytes: 2_000 });
    await waitFor(() => docker.streams.length === 1);
    const chunk: Buffer[] = [];
    for (let i = 1; i <= 200; i++) chunk.push(line(i));
    docker.current.write(Buffer.concat(chunk));
    await waitFor(() => docker.current.isPaused(), { message: 'the Docker stream paused' });
    expect(metrics.counters.logPauses).toBe(1);
    release();
    await waitFor(async () => (await stored()).reduce((n, e) => n + e.n, 0) === 200, {
      message: 'every line stored',
    });
    expect(docker.current.isPaused()).toBe(false);
  });

  it('ends when the container is gone, keeping what it stored', async () => {
    let ended = false;
    follower = new LogFollower(CID, {
      hostId: HOST,
      docker: {
        ...docker,
        inspect: () => Promise.resolve(docker.streams.length > 0 ? null : docker.inspect()),
        logs: docker.logs.bind(docker),
      } as unknown as ContainerClient,
      bus,
      metrics,
      busHealth: new BusHealth(),
      logger: silentLogger,
    });
    follower.start(() => (ended = true));
    await waitFor(() => docker.streams.length === 1);
    docker.current.end(line(1, 'last words'));
    await waitFor(() => ended, { message: 'the follower ended' });
    expect((await stored())[0]).toMatchObject({ seq: 1, text: `${ts(1)} last words\n` });
  });
});
