import Redis from 'ioredis';
import { createRedisBus, JSON_FIELD, type Bus } from '@flotilla/bus';
import { RedisKeys, type Container, type FleetEvent, type HostStatus } from '@flotilla/contracts';
import { waitFor } from '@flotilla/testing';
import { agentAclArgs } from '../../src/auth/agent-acl';
import {
  announceHost,
  changed,
  hostInfo,
  makeContainer,
  publishChange,
  statsSample,
  writeLines,
} from '../support/fleet-fixtures';
import { startHarness, type Harness } from '../support/gateway-harness';
import type { TestClient } from '../support/test-client';

jest.setTimeout(60_000);

const PASSWORD = 'agent-password-0123456789';
const HUGE_REVISION = 1e15;
const run = Math.random().toString(36).slice(2, 8);
// The attacker's id sorts after the victim's, so its snapshot is read last (see the revisions test).
const VICTIM = `b-victim-${run}`;
const ATTACKER = `z-attacker-${run}`;

/**
 * A compromised agent: host ATTACKER's Redis credentials, confined by the ACL `npm run agent-acl`
 * prints, writing records that name host VICTIM into the only keys it can write (its own).
 */
describe('an agent cannot speak for another host (the printed ACL, real Redis, two replicas)', () => {
  let h: Harness;
  let admin: Redis;
  let attackerBus: Bus;
  let attackerRaw: Redis;
  let victim: Container;
  let attacker: Container;

  const forge = (event: FleetEvent): Promise<string | null> =>
    attackerRaw.xadd(RedisKeys.events(ATTACKER), '*', JSON_FIELD, JSON.stringify(event));

  /** An attacker's own, valid event: once a client has it, everything forged before it was read. */
  async function fence(clients: TestClient[], status: string): Promise<void> {
    attacker = changed(attacker, { status });
    await attackerBus.events.append(ATTACKER, { v: 1, type: 'container', container: attacker });
    for (const client of clients)
      await client.waitFor('container_state_change', (c) => c.status === status, 10_000);
  }

  /** Nothing a client received names VICTIM but what VICTIM's own agent published. */
  function expectOnlyGenuine(client: TestClient, genuine: readonly Container[]): void {
    const revisions = new Set(genuine.map((c) => c.revision));
    const containers = [
      ...client.all('initial_state').flatMap((s) => s.containers),
      ...client.all('container_state_change'),
    ];
    for (const c of containers) {
      expect(c.revision).toBeLessThan(HUGE_REVISION);
      if (c.host_id === VICTIM) expect(revisions.has(c.revision)).toBe(true);
    }
    for (const host of client.all('host_state_change')) {
      if (host.host_id === VICTIM) expect(host.online).toBe(true);
    }
    expect(client.all('log_stream_stopped')).toEqual([]);
    expect(client.all('stats_update').every((s) => s.host_id === ATTACKER)).toBe(true);
  }

  /** The attacker's rejected records by `reason`, summed over the replicas' `/metrics`. */
  async function rejected(reason: string): Promise<number> {
    const series = `flotilla_bus_records_rejected_total{host="${ATTACKER}",reason="${reason}"} `;
    let total = 0;
    for (const gateway of h.gateways) {
      const text = await (await fetch(`${gateway.url}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(series));
      if (line !== undefined) total += Number(line.slice(series.length));
    }
    return total;
  }

  async function get<T>(path: string): Promise<T> {
    const res = await fetch(`${h.gateways[0].url}${path}`);
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  }

  beforeAll(async () => {
    h = await startHarness({ replicas: 2 });
    admin = new Redis(h.redis.url);
    await admin.call('ACL', 'SETUSER', ...agentAclArgs(ATTACKER, PASSWORD));
    const attackerUrl = h.redis.url.replace('redis://', `redis://agent-${ATTACKER}:${PASSWORD}@`);
    attackerBus = createRedisBus({ url: attackerUrl, name: 'attacker' });
    attackerRaw = new Redis(attackerUrl);

    // The victim's agent (the harness's bus) and the attacker's, each as an agent starts.
    victim = makeContainer(VICTIM, { name: 'victim-web' });
    await announceHost(h.bus, VICTIM, [victim]);
    await writeLines(h.bus, VICTIM, victim.container_id, 1, 5);
    attacker = makeContainer(ATTACKER, { name: 'attacker-own' });
    await announceHost(attackerBus, ATTACKER, [attacker]);
    await attackerBus.stats.append(statsSample(ATTACKER, attacker.container_id, 1));
    await waitFor(() =>
      h.gateways.every((g) =>
        [VICTIM, ATTACKER].every((host) =>
          g.inspect().followedKeys.includes(RedisKeys.events(host)),
        ),
      ),
    );
  });

  afterAll(async () => {
    attackerRaw?.disconnect();
    await attackerBus?.close();
    admin?.disconnect();
    await h?.close();
  });

  it('drops events, snapshot entries, host info and stats that name another host, and counts them', async () => {
    const clients = [await h.connect(0), await h.connect(1)];
    for (const client of clients) {
      await client.request('start_log_stream', { container_id: victim.container_id, tail: 5 });
      await client.waitForLines(victim.container_id, 5);
      await client.request('subscribe_stats', { container_id: attacker.container_id });
      await client.waitFor('stats_update', (s) => s.cpu_percent === 1);
    }
    const before = {
      host: await rejected('foreign_host'),
      container: await rejected('foreign_container'),
    };

    // Events on the attacker's own stream, each naming the victim.
    const removal = { ...victim, state: 'removed' as const, revision: HUGE_REVISION };
    const fake = makeContainer(VICTIM, { name: 'forged', revision: HUGE_REVISION });
    await forge({ v: 1, type: 'container', container: removal });
    await forge({ v: 1, type: 'container', container: fake });
    await forge({ v: 1, type: 'host', host: hostInfo(VICTIM), online: false });
    // Its snapshot, holding the victim's container and a container under another id's field.
    const snapshot = RedisKeys.snapshot(ATTACKER);
    await attackerRaw.hset(snapshot, fake.container_id, JSON.stringify(fake));
    const mislabelled = makeContainer(ATTACKER, { name: 'mislabelled' });
    await attackerRaw.hset(snapshot, victim.container_id, JSON.stringify(mislabelled));
    // Stats of its own container that claim to be the victim's, or another container's.
    const stats = RedisKeys.stats(ATTACKER, attacker.container_id);
    const asVictim = statsSample(VICTIM, victim.container_id, 66);
    await attackerRaw.xadd(stats, '*', JSON_FIELD, JSON.stringify(asVictim));
    const asOther = statsSample(ATTACKER, mislabelled.container_id, 77);
    await attackerRaw.xadd(stats, '*', JSON_FIELD, JSON.stringify(asOther));
    await attackerBus.stats.append(statsSample(ATTACKER, attacker.container_id, 2));
    for (const client of clients) await client.waitFor('stats_update', (s) => s.cpu_percent === 2);
    await fence(clients, 'after the forged events');

    // The victim is untouched: its log goes on, its changes arrive, on both replicas.
    await writeLines(h.bus, VICTIM, victim.container_id, 6, 5);
    const genuine = changed(victim, { status: 'Up 2 minutes' });
    await publishChange(h.bus, genuine);
    for (const client of clients) {
      await client.waitForLines(victim.container_id, 10);
      await client.waitFor('container_state_change', (c) => c.revision === genuine.revision);
      expectOnlyGenuine(client, [victim, genuine]);
      expect(client.all('stats_update').map((s) => s.cpu_percent)).toEqual([1, 2]);
    }

    // A client arriving now is shown the victim as its agent wrote it, and no forgery.
    const late = await h.connect(1);
    const [initial] = late.all('initial_state');
    expect(initial.containers.filter((c) => c.host_id === VICTIM)).toEqual([genuine]);
    expect(initial.containers.map((c) => c.name)).not.toContain('forged');
    expect(initial.containers.map((c) => c.name)).not.toContain('mislabelled');
    expect(initial.hosts.find((x) => x.host_id === VICTIM)?.online).toBe(true);
    expectOnlyGenuine(late, [genuine]);

    // REST answers the same.
    const { containers } = await get<{ containers: Container[] }>('/api/containers');
    expect(containers.filter((c) => c.host_id === VICTIM)).toEqual([genuine]);
    expect(containers.map((c) => c.name)).not.toContain('forged');

    // Counted under the host whose key they came from: 3 events, 1 snapshot entry and 1 sample
    // name the victim; 1 snapshot entry and 1 sample name another container of the attacker's.
    await waitFor(async () => (await rejected('foreign_host')) >= before.host + 5, {
      message: 'foreign_host rejections counted',
    });
    expect(await rejected('foreign_container')).toBeGreaterThanOrEqual(before.container + 2);
  });

  it("never lets one host's revisions outrank another's", async () => {
    // The attacker's own container under the victim's container id, with a revision no real
    // change reaches: a socket must not take it for the victim's container.
    const twin = makeContainer(ATTACKER, {
      container_id: victim.container_id,
      name: 'twin',
      revision: HUGE_REVISION,
    });
    await attackerBus.snapshots.upsert(twin);
    const client = await h.connect(0);
    expect(
      client
        .all('initial_state')[0]
        .containers.filter((c) => c.container_id === victim.container_id),
    ).toHaveLength(2);
    const next = changed(victim, { state: 'exited', status: 'Exited (0) 1 second ago' });
    await publishChange(h.bus, next);
    await client.waitFor(
      'container_state_change',
      (c) => c.host_id === VICTIM && c.revision === next.revision,
      10_000,
    );
  });
  it('drops host info that names another host', async () => {
    const client = await h.connect(0);
    const genuineInfo = hostInfo(VICTIM);
    const forgedInfo = { ...genuineInfo, engine: { ...genuineInfo.engine, reachable: false } };
    await attackerRaw.set(RedisKeys.hostInfo(ATTACKER), JSON.stringify(forgedInfo));
    // Two genuine changes of the victim's info, each seen by a later poll of the host list than
    // the one before: whatever the poll that read the forgery sent, the client has it by then.
    for (const env of ['first', 'second']) {
      await h.bus.hosts.announce({ ...genuineInfo, labels: { env } });
      await client.waitFor('host_state_change', (x) => x.labels.env === env, 10_000);
    }
    const changes = client.all('host_state_change').filter((x) => x.host_id === VICTIM);
    expect(changes.map((x) => [x.labels.env, x.engine.reachable])).toEqual([
      ['first', true],
      ['second', true],
    ]);
    const late = await h.connect(1);
    const listed = late.all('initial_state')[0].hosts.filter((x) => x.host_id === VICTIM);
    expect(listed.map((x) => x.engine.reachable)).toEqual([true]);
    const { hosts } = await get<{ hosts: HostStatus[] }>('/api/hosts');
    expect(hosts.filter((x) => x.host_id === VICTIM).map((x) => x.engine.reachable)).toEqual([
      true,
    ]);
    expect(await rejected('foreign_host')).toBeGreaterThan(0);
  });
});
