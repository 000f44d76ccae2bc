import { createMemoryBus, type Bus, type StreamEntry } from '@flotilla/bus';
import { RedisKeys, type CommandRequest } from '@flotilla/contracts';
import { silentLogger } from './agent-logger';
import { RequestStream } from './request-stream';

const HOST = 'host-a';

const request = (id: string): CommandRequest => ({
  v: 1,
  request_id: id,
  host_id: HOST,
  container_id: 'a'.repeat(64),
  action: 'start',
  requested_by: 'alice',
  expires_at: Date.now() + 10_000,
});

describe('RequestStream', () => {
  let bus: Bus;
  beforeEach(() => (bus = createMemoryBus()));
  afterEach(() => bus.close());

  it('retries until the bus answers, then follows only what is queued after its newest entry', async () => {
    await bus.commands.send(request('req-stale001'));
    let failures = 2;
    const received: string[] = [];
    let delivered!: () => void;
    const fresh = new Promise<void>((resolve) => (delivered = resolve));
    const stream = new RequestStream(
      bus,
      {
        name: 'command stream position',
        key: RedisKeys.commands(HOST),
        newest: () =>
          failures-- > 0 ? Promise.reject(new Error('bus away')) : bus.commands.newestCommand(HOST),
      },
      (entries: StreamEntry<Record<string, string>>[]) => {
        received.push(...entries.map((e) => JSON.stringify(e.value)));
        delivered();
      },
      silentLogger,
    );
    await stream.start();
    expect(failures).toBe(-1);
    await bus.commands.send(request('req-fresh001'));
    await fresh;
    expect(received).toHaveLength(1);
    expect(received[0]).toContain('req-fresh001');
    await stream.stop();
  });

  it('ends a start still waiting for the bus when stopped', async () => {
    const stream = new RequestStream(
      bus,
      {
        name: 'search requests',
        key: RedisKeys.searchRequests(HOST),
        newest: () => Promise.reject(new Error('bus away')),
      },
      () => {
        throw new Error('nothing may be received');
      },
      silentLogger,
    );
    const started = stream.start();
    await stream.stop();
    await expect(started).resolves.toBeUndefined();
  });
});
