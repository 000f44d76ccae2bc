import { Logger } from '@nestjs/common';
import {
  announceHost,
  changed,
  makeContainer,
  publishChange,
} from '../../test/support/fleet-fixtures';
import { MemoryReplica } from '../../test/support/memory-replica';

const HOST = 'host-a';

describe('StatsStreamService: a container removed before the request', () => {
  let replica: MemoryReplica;
  let quiet: jest.SpyInstance[];

  beforeEach(() => {
    quiet = [
      jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined),
      jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined),
    ];
    replica = new MemoryReplica();
  });

  afterEach(async () => {
    await replica.close();
    for (const spy of quiet) spy.mockRestore();
  });

  it('is answered ok with stats_stream_stopped, no error, no lease and no stream', async () => {
    const container = makeContainer(HOST);
    await announceHost(replica.bus, HOST, [container]);
    await replica.start();
    await publishChange(replica.bus, changed(container, { state: 'removed' }));
    const [a, socketA] = replica.connect('a');

    await expect(
      replica.stats.subscribe(a, { container_id: container.container_id }),
    ).resolves.toEqual({ status: 'ok' });
    expect(socketA.all('stats_stream_stopped')).toEqual([
      { container_id: container.container_id, host_id: HOST, message: 'Container was removed' },
    ]);
    expect(a.streamCount).toBe(0);
    expect(replica.leases.held()).toEqual([]);
  });

  it('still refuses a container that never existed', async () => {
    await announceHost(replica.bus, HOST, [makeContainer(HOST)]);
    await replica.start();
    const [a, socketA] = replica.connect('a');
    await expect(
      replica.stats.subscribe(a, { container_id: 'f'.repeat(64) }),
    ).rejects.toMatchObject({
      code: 'unknown_container',
    });
    expect(socketA.all('stats_stream_stopped')).toEqual([]);
  });
});
