import { PROTOCOL_VERSION } from '@flotilla/contracts';
import { waitFor } from '@flotilla/testing';
import {
  announceHost,
  changed,
  hostInfo,
  makeContainer,
  publishChange,
  uniqueHostId,
} from './support/fleet-fixtures';
import { startHarness, type Harness } from './support/gateway-harness';

jest.setTimeout(30_000);

describe('gateway connection and state fan-out (two replicas, real Redis)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ replicas: 2 });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('says logging in is not used when there are no logins (the page then offers no login form)', async () => {
    const res = await fetch(`${h.gateways[0].url}/api/login`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 'invalid_payload' });
  });

  it('sends connection_established, then initial_state with online and offline hosts and positions', async () => {
    const online = uniqueHostId('online');
    const offline = uniqueHostId('offline');
    const running = makeContainer(online);
    const greyed = makeContainer(offline, { state: 'exited' });
    await announceHost(h.bus, online, [running]);
    await announceHost(h.bus, offline, [greyed], false);
    const position = await publishChange(h.bus, changed(running, { status: 'Up 2 seconds' }));

    const client = await h.connect(0);
    const [first, second] = client.received;
    expect(first.event).toBe('connection_established');
    expect(first.payload).toMatchObject({
      protocol_version: PROTOCOL_VERSION,
      server_id: h.gateways[0].replicaId,
      user: 'anonymous',
      actions: ['start', 'stop', 'restart', 'unpause', 'remove'],
    });
    expect(second.event).toBe('initial_state');
    const initial = client.all('initial_state')[0];
    expect(initial.hosts.find((x) => x.host_id === online)?.online).toBe(true);
    expect(initial.hosts.find((x) => x.host_id === offline)?.online).toBe(false);
    expect(initial.containers.find((c) => c.container_id === running.container_id)?.status).toBe(
      'Up 2 seconds',
    );
    expect(initial.containers.find((c) => c.container_id === greyed.container_id)?.host_id).toBe(
      offline,
    );
    expect(initial.position[online]).toBe(position);
    expect(initial.position[offline]).toBe('0-0');
  });

  it('delivers each state change exactly once to a client on each replica', async () => {
    const host = uniqueHostId();
    const container = makeContainer(host);
    await announceHost(h.bus, host, [container]);
    const a = await h.connect(0);
    const b = await h.connect(1);

    const stopped = changed(container, { state: 'exited', status: 'Exited (0)' });
    await publishChange(h.bus, stopped);
    // A second change as a sentinel: once it arrived, any duplicate of the first would have too.
    const started = changed(stopped, { state: 'running', status: 'Up' });
    await publishChange(h.bus, started);
    for (const client of [a, b]) {
      await client.waitFor('container_state_change', (c) => c.revision === started.revision);
      const mine = client
        .all('container_state_change')
        .filter((c) => c.container_id === container.container_id);
      expect(mine.map((c) => c.revision)).toEqual([stopped.revision, started.revision]);
    }
  });

  it('sends changes that happen while a client connects exactly once (catch-up meets live)', async () => {
    const host = uniqueHostId();
    let container = makeContainer(host);
    await announceHost(h.bus, host, [container]);
    await waitFor(() =>
      h.gateways.every((g) => g.inspect().followedKeys.some((k) => k.includes(host))),
    );
    const revisions: number[] = [];
    let writing = true;
    const writer = (async () => {
      while (writing) {
        container = changed(container, { status: `Up ${revisions.length}` });
        revisions.push(container.revision);
        await publishChange(h.bus, container);
      }
    })();
    const clients = await Promise.all([h.connect(0), h.connect(1), h.connect(0), h.connect(1)]);
    writing = false;
    await writer;
    const last = revisions[revisions.length - 1];
    for (const client of clients) {
      const initial = client
        .all('initial_state')[0]
        .containers.find((c) => c.container_id === container.container_id);
      await client.waitFor('container_state_change', (c) => c.revision === last);
      const seen = client
        .all('container_state_change')
        .filter((c) => c.container_id === container.container_id);
      const expected = revisions.filter((r) => r > (initial?.revision ?? 0));
      expect(seen.map((c) => c.revision)).toEqual(expected);
    }
  });

  it('applies the subscription filter to state changes', async () => {
    const hostA = uniqueHostId('a');
    const hostB = uniqueHostId('b');
    const onA = makeContainer(hostA);
    const onB = makeContainer(hostB);
    const alsoOnB = makeContainer(hostB);
    await announceHost(h.bus, hostA, [onA]);
    await announceHost(h.bus, hostB, [onB, alsoOnB]);
    const client = await h.connect(1);
    expect(
      await client.request('subscribe', {
        hosts: [hostA],
        containers: [alsoOnB.container_id.slice(0, 12)],
      }),
    ).toEqual({
      status: 'ok',
    });
    await publishChange(h.bus, changed(onB, { status: 'filtered out' }));
    const passA = changed(onA, { status: 'host listed' });
    await publishChange(h.bus, passA);
    const passB = changed(alsoOnB, { status: 'container listed' });
    await publishChange(h.bus, passB);
    await client.waitFor('container_state_change', (c) => c.revision === passB.revision);
    const seen = client
      .all('container_state_change')
      .filter((c) => [hostA, hostB].includes(c.host_id));
    expect(seen.map((c) => c.status)).toEqual(['host listed', 'container listed']);

    expect(await client.request('subscribe', {})).toEqual({ status: 'ok' });
    const again = changed(onB, { status: 'everything again' });
    await publishChange(h.bus, again);
    await client.waitFor('container_state_change', (c) => c.revision === again.revision);
  });

  it('tells connected clients about a host that appears later, and about hosts going offline', async () => {
    const client = await h.connect(0);
    const host = uniqueHostId('late');
    const container = makeContainer(host);
    await announceHost(h.bus, host, [container]);
    const status = await client.waitFor('host_state_change', (s) => s.host_id === host);
    expect(status.online).toBe(true);
    await client.waitFor(
      'container_state_change',
      (c) => c.container_id === container.container_id,
    );

    await h.bus.hosts.markOffline(hostInfo(host));
    const gone = await client.waitFor('host_state_change', (s) => s.host_id === host && !s.online);
    expect(gone.online).toBe(false);
    const changes = client.all('host_state_change').filter((s) => s.host_id === host);
    expect(changes.map((s) => s.online)).toEqual([true, false]);
  });

  it('tells connected clients when an online host loses and regains its Docker engine', async () => {
    const client = await h.connect(1);
    const host = uniqueHostId('engine');
    await announceHost(h.bus, host, []);
    await client.waitFor('host_state_change', (s) => s.host_id === host && s.online);

    const down = {
      ...hostInfo(host),
      engine: {
        reachable: false,
        version: null,
        address: 'unix:///nowhere.sock',
        error: 'connect ENOENT /nowhere.sock',
      },
    };
    await h.bus.hosts.announce(down);
    const lost = await client.waitFor(
      'host_state_change',
      (s) => s.host_id === host && !s.engine.reachable,
    );
    expect(lost.online).toBe(true);
    expect(lost.engine.error).toContain('ENOENT');

    await h.bus.hosts.announce(hostInfo(host));
    const back = await client.waitFor(
      'host_state_change',
      (s) => s.host_id === host && s.engine.reachable && s !== lost,
    );
    expect(back.engine.error).toBeNull();
  });

  it('closing one replica ends only its own sockets', async () => {
    const extra = await h.startReplica();
    const staying = await h.connect(0);
    const leaving = await h.connect(extra);
    const gone = new Promise<void>((resolve) => leaving.socket.once('disconnect', () => resolve()));
    await extra.close();
    h.gateways.splice(h.gateways.indexOf(extra), 1);
    await gone;
    expect(staying.socket.connected).toBe(true);
    expect(await staying.request('heartbeat', { sent_at: 1 })).toMatchObject({ status: 'ok' });
  });

  it('answers heartbeat with the client time and the server time', async () => {
    const client = await h.connect(1);
    const before = Date.now();
    const ack = await client.request('heartbeat', { sent_at: 12345 });
    expect(ack).toMatchObject({ status: 'ok', sent_at: 12345 });
    expect((ack as { server_time: number }).server_time).toBeGreaterThanOrEqual(before);
  });
});
