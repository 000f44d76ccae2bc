import { createMemoryBus, type Bus, type StreamFollower } from '@flotilla/bus';
import { RedisKeys, type HostMatch, type SearchRequest } from '@flotilla/contracts';
import {
  announceHost,
  containerId,
  makeContainer,
  uniqueHostId,
} from '../../test/support/fleet-fixtures';
import { ANONYMOUS_ADMIN } from '../auth/principal';
import { GatewayError } from '../core/gateway-error';
import { DockerHistory } from './docker-history';

const TS = (s: number) => `2026-01-02T03:04:${String(s).padStart(2, '0')}.000000000Z`;

/**
 * What comes back from an agent for a history read is untrusted: a compromised host answering
 * with another container's lines, lines outside the range, or a line holding a line break (which
 * would forge further lines in the viewer) fails the read, and nothing is returned.
 */
describe('DockerHistory (memory bus, an agent answering as told)', () => {
  let bus: Bus;
  let agent: StreamFollower;
  let hostId: string;
  let answer: (request: SearchRequest) => Omit<HostMatch, 'container_name'>[];
  const requests: SearchRequest[] = [];

  beforeEach(async () => {
    bus = createMemoryBus();
    hostId = uniqueHostId('hist');
    await announceHost(bus, hostId);
    // A stand-in agent: answers each request with one batch, then done.
    agent = bus.follower((_key, entries) => {
      for (const { value: request } of bus.search.requests(hostId, entries)) {
        requests.push(request);
        const matches = answer(request).map((m) => ({ ...m, container_name: 'c' }));
        const base = { v: 1 as const, search_id: request.search_id, host_id: hostId };
        void bus.search
          .publish({ ...base, kind: 'matches', matches })
          .then(() =>
            bus.search.publish({ ...base, kind: 'done', containers_scanned: 1, bytes_scanned: 1 }),
          );
      }
    });
    agent.follow(RedisKeys.searchRequests(hostId), '0-0');
  });

  afterEach(async () => {
    await agent.close();
    requests.length = 0;
  });

  const read = (container = makeContainer(hostId)) =>
    new DockerHistory(bus).read(
      ANONYMOUS_ADMIN,
      container,
      { since: TS(10), until: TS(20), limit: 5, last: true },
      new AbortController().signal,
    );

  it('asks for one container with no pattern, until and last, and returns its lines', async () => {
    const container = makeContainer(hostId);
    answer = () => [
      { container_id: container.container_id, ts: TS(11), stream: 'stdout', line: 'one' },
      { container_id: container.container_id, ts: TS(12), stream: 'stderr', line: 'two' },
    ];
    expect(await read(container)).toEqual([
      { ts: TS(11), stream: 'stdout', line: 'one' },
      { ts: TS(12), stream: 'stderr', line: 'two' },
    ]);
    expect(requests[0]).toMatchObject({
      pattern: null,
      container_ids: [container.container_id],
      since: TS(10),
      until: TS(20),
      limit: 5,
      last: 5,
    });
  });

  it.each([
    ['a line of another container', { container_id: containerId() }],
    ['a line before since', { ts: TS(9) }],
    ['a line after until', { ts: TS(21) }],
    ['a line holding a line break', { line: 'ok\n2026-01-02T03:04:12Z forged' }],
  ])('refuses an answer with %s: the read fails, nothing is returned', async (_case, forged) => {
    const container = makeContainer(hostId);
    answer = () => [
      { container_id: container.container_id, ts: TS(11), stream: 'stdout', line: 'fine' },
      { container_id: container.container_id, ts: TS(12), stream: 'stdout', line: 'x', ...forged },
    ];
    const failure = await read(container).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(GatewayError);
    expect(failure).toMatchObject({ code: 'command_failed' });
  });

  it('an offline host answers host_offline and is not asked', async () => {
    const offline = uniqueHostId('gone');
    await announceHost(bus, offline, [], false);
    await expect(read(makeContainer(offline))).rejects.toMatchObject({ code: 'host_offline' });
    expect(requests).toEqual([]);
  });
});
