/**
 * The compose stack as an operator runs it: images built from deploy/, `docker-compose up -d`,
 * users mode with the first admin made by the documented command, everything through nginx at
 * the published port. The original protocol works, and a gateway killed mid-stream costs its
 * client nothing: it resumes on the other replica with every line once.
 */
import {
  dockerEngine,
  expectedLines,
  testContainers,
  ticker,
  waitFor,
  withoutTimestamp,
} from '@flotilla/testing';
import { TestClient } from '../apps/gateway/test/support/test-client';
import { startCompose, type ComposeStack } from './support/compose';

jest.setTimeout(30 * 60_000);

describe('docker-compose.yml, built and run', () => {
  const containers = testContainers(dockerEngine());
  let stack: ComposeStack | undefined;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    stack = await startCompose();
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await containers.removeAll();
    await stack?.down();
  });

  it('serves the original protocol through nginx and survives a gateway killed mid-stream', async () => {
    const { url } = stack!;
    const auth = { authorization: `Bearer ${await stack!.login()}` };
    const c = await containers.create(ticker('tick', 0.02));

    const client = await TestClient.connect(url, { extraHeaders: auth });
    clients.push(client);
    const hello = await client.waitFor('connection_established');
    expect(hello.user).toBe('admin');
    // The agent in the stack watches this engine: the container shows up (now or as a change).
    await waitFor(
      () =>
        client
          .all('initial_state')
          .some((s) => s.containers.some((x) => x.container_id === c.id)) ||
        client
          .all('container_state_change')
          .some((x) => x.container_id === c.id && x.state === 'running'),
      { timeoutMs: 30_000, message: 'the test container reached the client' },
    );

    await client.request('start_log_stream', { container_id: c.id, tail: 10_000 });
    await client.waitForLines(c.id, 50, 30_000);
    const victim = await stack!.serviceOfReplica(hello.server_id);
    await stack!.compose(['kill', victim]);
    await waitFor(() => !client.socket.connected, {
      timeoutMs: 10_000,
      message: 'the client noticed',
    });
    const before = client.logLines(c.id);
    const after = client.lastEntryId(c.id);

    const resumed = await TestClient.connect(url, { extraHeaders: auth });
    clients.push(resumed);
    const again = await resumed.waitFor('connection_established');
    expect(await stack!.serviceOfReplica(again.server_id)).not.toBe(victim);
    await resumed.request('start_log_stream', { container_id: c.id, after });
    const more = await resumed.waitForLines(c.id, 100, 30_000);
    expect(resumed.logUpdates(c.id).some((u) => u.gap)).toBe(false);
    const all = [...before, ...more].map(withoutTimestamp);
    expect(all).toEqual(expectedLines(all.length, 'tick'));
  });
});
