import { Logger } from '@nestjs/common';
import type { Container } from '@flotilla/contracts';
import {
  announceHost,
  changed,
  makeContainer,
  publishChange,
  statsSample,
} from '../../test/support/fleet-fixtures';
import { MemoryReplica, type RecordingSocket } from '../../test/support/memory-replica';
import type { ClientConnection } from '../socket/client-connection';

const HOST = 'host-a';

/** The two kinds of channel, driven through their services as the socket handlers drive them. */
const KINDS = [
  {
    kind: 'logs',
    open: (r: MemoryReplica, s: ClientConnection, c: Container) =>
      // A tail, so a line appended while the view starts arrives as backfill or live.
      r.logs.start(s, { container_id: c.container_id, tail: 10 }),
    close: (r: MemoryReplica, s: ClientConnection, ref: string) =>
      r.logs.stop(s, { container_id: ref }),
    stopped: 'log_stream_stopped',
    failure: 'Log stream failed',
    /** The read a channel makes before it follows its stream. */
    firstRead: (r: MemoryReplica) => jest.spyOn(r.bus.logs, 'last'),
    append: (r: MemoryReplica, c: Container) =>
      r.bus.logs.append(HOST, c.container_id, 1, {
        lines: ['2024-01-01T00:00:00.000000000Z hello'],
        stderr: [],
        lastTimestamp: '2024-01-01T00:00:00.000000000Z',
      }),
    update: 'log_update',
  },
  {
    kind: 'stats',
    open: (r: MemoryReplica, s: ClientConnection, c: Container) =>
      r.stats.subscribe(s, { container_id: c.container_id }),
    close: (r: MemoryReplica, s: ClientConnection, ref: string) =>
      r.stats.unsubscribe(s, { container_id: ref }),
    stopped: 'stats_stream_stopped',
    failure: 'Stats stream failed',
    firstRead: (r: MemoryReplica) => jest.spyOn(r.bus.stats, 'latest'),
    append: (r: MemoryReplica, c: Container) =>
      r.bus.stats.append(statsSample(HOST, c.container_id, 42)),
    update: 'stats_update',
  },
] as const;

describe.each(KINDS)('LeasedChannels: $kind channels', (k) => {
  let replica: MemoryReplica;
  let container: Container;
  let key: string;
  let quiet: jest.SpyInstance[];

  beforeEach(async () => {
    quiet = [
      jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined),
      jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined),
      jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined),
    ];
    replica = new MemoryReplica({ maxStreamsPerSocket: 2 });
    container = makeContainer(HOST);
    key = `${k.kind}|${HOST}|${container.container_id}`;
    await announceHost(replica.bus, HOST, [container]);
    await replica.start();
  });

  afterEach(async () => {
    await replica.close();
    for (const spy of quiet) spy.mockRestore();
  });

  const followed = (): boolean =>
    replica.router.followedKeys().some((f) => f.endsWith(`${k.kind}:${container.container_id}`));

  it('holds one lease and follows one stream per container whatever the number of viewers', async () => {
    const [a, socketA] = replica.connect('a');
    const [b, socketB] = replica.connect('b');
    await k.open(replica, a, container);
    await k.open(replica, b, container);
    expect(replica.leases.held()).toEqual([key]);

    await k.append(replica, container);
    await socketA.waitFor(k.update);
    await socketB.waitFor(k.update);
    expect(followed()).toBe(true);

    k.close(replica, a, container.container_id.slice(0, 12));
    expect(replica.leases.held()).toEqual([key]);
    k.close(replica, b, container.container_id.slice(0, 12));
    expect(replica.leases.held()).toEqual([]);
    expect(followed()).toBe(false);
    expect(a.streamCount + b.streamCount).toBe(0);
  });

  it('a socket that goes away leaves its channels; the last one closes them', async () => {
    const [a] = replica.connect('a');
    await k.open(replica, a, container);
    replica.logs.dropConnection(a);
    replica.stats.dropConnection(a);
    expect(a.streamCount).toBe(0);
    expect(replica.leases.held()).toEqual([]);
    expect(followed()).toBe(false);
  });

  it('refuses a stream over the per-socket cap, counting logs and stats together', async () => {
    const [a] = replica.connect('a');
    const others = [makeContainer(HOST), makeContainer(HOST)];
    await announceHost(replica.bus, HOST, [container, ...others]);
    await replica.logs.start(a, { container_id: others[0].container_id, tail: 0 });
    await replica.stats.subscribe(a, { container_id: others[1].container_id });

    await expect(k.open(replica, a, container)).rejects.toMatchObject({ code: 'rate_limited' });
    expect(replica.leases.held()).not.toContain(key);
    expect(a.streamCount).toBe(2);
  });

  it('answers ok to stopping a stream the socket does not hold, and keeps the ones it does', async () => {
    const [a, socketA] = replica.connect('a');
    const [b] = replica.connect('b');
    await k.open(replica, a, container);
    const other = makeContainer(HOST).container_id.slice(0, 12);
    expect(k.close(replica, a, other)).toEqual({ status: 'ok' });
    expect(k.close(replica, b, container.container_id)).toEqual({ status: 'ok' });
    expect(a.streamCount).toBe(1);
    expect(replica.leases.held()).toEqual([key]);
    expect(socketA.all(k.stopped)).toEqual([]);
  });

  it('answers ok to stopping a stream its removed container already ended, sending nothing more', async () => {
    const [a, socketA] = replica.connect('a');
    await k.open(replica, a, container);
    await publishChange(replica.bus, changed(container, { state: 'removed' }));
    await socketA.waitFor(k.stopped);
    const sent = socketA.received.length;

    expect(k.close(replica, a, container.container_id)).toEqual({ status: 'ok' });
    expect(socketA.received).toHaveLength(sent);
    expect(a.streamCount).toBe(0);
  });

  it("still refuses a prefix that names several of the socket's streams", async () => {
    const [a] = replica.connect('a');
    const prefix = 'abcabcabcabc';
    const twins = ['1', '2'].map((d) =>
      makeContainer(HOST, { container_id: `${prefix}${d.repeat(52)}` }),
    );
    await announceHost(replica.bus, HOST, [container, ...twins]);
    for (const twin of twins) await k.open(replica, a, twin);
    let refusal: unknown;
    try {
      k.close(replica, a, prefix);
    } catch (error: unknown) {
      refusal = error;
    }
    expect(refusal).toMatchObject({ code: 'ambiguous_container' });
    expect(a.streamCount).toBe(2);
  });

  it('tells every viewer when the container is removed, and closes the channel', async () => {
    const [a, socketA] = replica.connect('a');
    const [b, socketB] = replica.connect('b');
    await k.open(replica, a, container);
    await k.open(replica, b, container);

    await publishChange(replica.bus, changed(container, { state: 'removed' }));
    for (const socket of [socketA, socketB]) {
      expect(await socket.waitFor(k.stopped)).toMatchObject({
        container_id: container.container_id,
        message: 'Container was removed',
      });
    }
    expect(replica.leases.held()).toEqual([]);
    expect(followed()).toBe(false);
    expect(a.streamCount + b.streamCount).toBe(0);
  });

  it('a follow that fails ends every viewer with an error and releases the lease', async () => {
    let refuse: (error: Error) => void = () => undefined;
    const read: jest.SpyInstance = k.firstRead(replica);
    read.mockImplementationOnce(() => new Promise((_, reject) => (refuse = reject)));
    const [a, socketA] = replica.connect('a');
    const [b, socketB] = replica.connect('b');
    await k.open(replica, a, container);
    await k.open(replica, b, container);
    refuse(new Error('stream read refused'));

    for (const socket of [socketA, socketB] as RecordingSocket[]) {
      expect(await socket.waitFor(k.stopped)).toMatchObject({
        container_id: container.container_id,
        message: k.failure,
      });
      // Nothing of the cause reaches the client: a correlation id names it in the gateway's log.
      expect(socket.all('error')).toEqual([
        expect.objectContaining({
          code: 'internal',
          container_id: container.container_id,
          correlation_id: expect.any(String) as string,
        }),
      ]);
    }
    expect(replica.leases.held()).toEqual([]);
    expect(followed()).toBe(false);
    expect(a.streamCount + b.streamCount).toBe(0);

    // The next viewer opens the channel afresh.
    await k.open(replica, a, container);
    await k.append(replica, container);
    await socketA.waitFor(k.update);
  });
});
