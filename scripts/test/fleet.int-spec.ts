/**
 * `npm run fleet` end to end: startFleet() brings up redis-server, a second dockerd, agents
 * fleet-a and fleet-b, two gateway replicas and the load balancer; a socket.io-client through
 * the load balancer sees both hosts, a container started on the second engine, and its logs.
 */
import { testContainers, waitFor, type TestContainers } from '@flotilla/testing';
import { TestClient } from '../../apps/gateway/test/support/test-client';
import { startFleet, type Fleet } from '../fleet';

jest.setTimeout(120_000);

describe('npm run fleet', () => {
  let fleet: Fleet | undefined;
  let containers: TestContainers | undefined;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    const started = Date.now();
    fleet = await startFleet({
      port: 0,
      replicaPorts: [0, 0],
      hostIds: [`fleet-a-${process.pid}`, `fleet-b-${process.pid}`],
      logLevel: 'warn',
      // A host that appears is noticed within 250 ms instead of a heartbeat.
      tuning: { hostPollMs: 250 },
    });
    process.stdout.write(`fleet up in ${Date.now() - started} ms\n`);
    containers = testContainers(fleet.secondEngine.docker);
  }, 900_000);

  afterAll(async () => {
    for (const client of clients) client.close();
    await containers?.removeAll();
    await fleet?.close();
  }, 120_000);

  it('serves the dashboard through the load balancer, round-robin over both replicas', async () => {
    const { url, gateways } = fleet!;
    const pages = await Promise.all([fetch(`${url}/`), fetch(`${url}/`)]);
    for (const page of pages) {
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/<app-root|<html/i);
    }
    expect(gateways).toHaveLength(2);
  });

  it('shows both hosts, a container started on the second engine, and its logs', async () => {
    const f = fleet!;
    const [hostA, hostB] = f.agents.map((a) => a.hostId);
    // Two clients, so both replicas serve one (the balancer alternates).
    for (let i = 0; i < 2; i++) {
      const client = await TestClient.connect(f.url, { waitInitial: false });
      clients.push(client);
    }
    await waitFor(
      async () => {
        const probe = await TestClient.connect(f.url);
        const hosts = probe.all('initial_state')[0].hosts;
        probe.close();
        return (
          hosts.some((h) => h.host_id === hostA && h.online) &&
          hosts.some((h) => h.host_id === hostB && h.online)
        );
      },
      { timeoutMs: 30_000, message: 'both hosts online in initial_state' },
    );
    const client = await TestClient.connect(f.url);
    clients.push(client);
    const initial = client.all('initial_state')[0];
    expect(initial.hosts.map((h) => h.host_id)).toEqual(expect.arrayContaining([hostA, hostB]));

    const container = await containers!.create(
      'for i in 1 2 3; do echo fleet-line-$i; done; while true; do sleep 3600; done',
    );
    const id = container.id;
    const matches = (cid: string): boolean => cid === id || id.startsWith(cid);
    const change = await client.waitFor(
      'container_state_change',
      (c) => matches(c.container_id) && c.state === 'running',
      30_000,
    );
    expect(change.host_id).toBe(hostB);
    for (const other of clients.slice(0, 2)) {
      await other.waitFor('container_state_change', (c) => matches(c.container_id), 30_000);
    }

    const ack = await client.request('start_log_stream', { container_id: change.container_id });
    expect(ack).toMatchObject({ status: 'stream_started' });
    const lines = await client.waitForLines(change.container_id, 3, 30_000);
    // Each line as the seed shows it: Docker's timestamp, a space, the text.
    expect(lines.slice(0, 3).map((l) => l.replace(/^\S+Z /, ''))).toEqual([
      'fleet-line-1',
      'fleet-line-2',
      'fleet-line-3',
    ]);
  });
});
