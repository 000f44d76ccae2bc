import { randomBytes, randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import type { Bus } from '@flotilla/bus';
import {
  RedisKeys,
  type CommandReply,
  type CommandRequest,
  type ContainerAction,
} from '@flotilla/contracts';
import {
  SLEEP_FOREVER,
  startRedis,
  useTestContainers,
  waitFor,
  type RedisHandle,
} from '@flotilla/testing';
import type { AgentHandle } from '../src/agent';
import { agentConfig, Resources, uniqueHostId } from './agent-harness';

jest.setTimeout(60_000);

describe('agent commands (real dockerd, real Redis)', () => {
  const containers = useTestContainers();
  const res = new Resources();
  let redis: RedisHandle;
  let bus: Bus;
  let agent: AgentHandle;
  let hostId: string;

  beforeAll(async () => {
    redis = await startRedis();
    bus = res.bus(redis.url);
    hostId = uniqueHostId('cmd');
    agent = await res.agent(agentConfig(redis.url, hostId));
    await waitFor(() => agent.counters().resyncs >= 1, {
      timeoutMs: 10_000,
      message: 'first resync',
    });
  });
  afterAll(async () => {
    await res.closeAll();
    await redis?.close();
  });

  const request = (
    action: ContainerAction,
    containerId: string,
    patch: Partial<CommandRequest> = {},
  ): CommandRequest => ({
    v: 1,
    request_id: randomUUID(),
    host_id: hostId,
    container_id: containerId,
    action,
    requested_by: 'alice',
    expires_at: Date.now() + 15_000,
    ...patch,
  });
  const run = async (req: CommandRequest): Promise<CommandReply> => {
    const position = await bus.commands.send(req);
    const reply = await bus.commands.awaitReply(req.host_id, req.request_id, 20_000, position);
    if (!reply) throw new Error(`no reply to ${req.action}`);
    return reply;
  };
  const state = async (id: string): Promise<string> =>
    (await containers.docker.getContainer(id).inspect()).State.Status;

  it('starts, stops and restarts idempotently (already so is success with unchanged)', async () => {
    const c = await containers.create(SLEEP_FOREVER, { autoStart: false });
    const started = await run(request('start', c.id));
    expect(started).toMatchObject({
      ok: true,
      unchanged: false,
      code: null,
      error: null,
      action: 'start',
      container_id: c.id,
    });
    expect(await state(c.id)).toBe('running');
    expect(await run(request('start', c.id))).toMatchObject({ ok: true, unchanged: true });

    const startedAt = (await c.inspect()).State.StartedAt;
    expect(await run(request('restart', c.id))).toMatchObject({ ok: true, unchanged: false });
    expect(await state(c.id)).toBe('running');
    expect((await c.inspect()).State.StartedAt).not.toBe(startedAt);

    expect(await run(request('stop', c.id))).toMatchObject({ ok: true, unchanged: false });
    expect(await state(c.id)).toBe('exited');
    expect(await run(request('stop', c.id))).toMatchObject({ ok: true, unchanged: true });
  });

  it('unpauses a paused container; unpausing a running one is a Docker error that changes nothing', async () => {
    const c = await containers.create(SLEEP_FOREVER);
    await c.pause();
    expect(await state(c.id)).toBe('paused');
    expect(await run(request('unpause', c.id))).toMatchObject({
      ok: true,
      unchanged: false,
      action: 'unpause',
    });
    expect(await state(c.id)).toBe('running');
    expect(await run(request('unpause', c.id))).toMatchObject({ ok: false, code: 'docker_error' });
    expect(await state(c.id)).toBe('running');
  });

  it('refuses to remove when removal is not allowed, and says not_found for an unknown container', async () => {
    const c = await containers.create(SLEEP_FOREVER);
    expect(await run(request('remove', c.id))).toMatchObject({ ok: false, code: 'disabled' });
    expect(await state(c.id)).toBe('running');
    const unknown = randomBytes(32).toString('hex');
    expect(await run(request('stop', unknown))).toMatchObject({
      ok: false,
      code: 'not_found',
      container_id: unknown,
    });
  });

  it('refuses an expired command without acting', async () => {
    const c = await containers.create(SLEEP_FOREVER, { autoStart: false });
    expect(await run(request('start', c.id, { expires_at: Date.now() - 1 }))).toMatchObject({
      ok: false,
      code: 'expired',
    });
    expect(await state(c.id)).toBe('created');
  });

  it('ignores an invalid command and carries on', async () => {
    const raw = new Redis(redis.url);
    try {
      await raw.xadd(
        RedisKeys.commands(hostId),
        '*',
        'd',
        JSON.stringify({ v: 1, action: 'format-disk' }),
      );
      await raw.xadd(RedisKeys.commands(hostId), '*', 'd', 'not json');
    } finally {
      raw.disconnect();
    }
    const c = await containers.create(SLEEP_FOREVER, { autoStart: false });
    const handled = agent.counters().commandsHandled;
    expect(await run(request('start', c.id))).toMatchObject({ ok: true });
    expect(agent.counters().commandsHandled).toBe(handled + 1);
  });

  it('removes when the host allows it', async () => {
    const otherHost = uniqueHostId('rm');
    const remover = await res.agent(
      agentConfig(redis.url, otherHost, { AGENT_ALLOW_REMOVE: 'true' }),
    );
    await waitFor(() => remover.counters().resyncs >= 1, {
      timeoutMs: 10_000,
      message: 'resync of the second agent',
    });
    const c = await containers.create(SLEEP_FOREVER);
    expect(await run(request('remove', c.id, { host_id: otherHost }))).toMatchObject({
      ok: true,
      host_id: otherHost,
    });
    await expect(c.inspect()).rejects.toMatchObject({ statusCode: 404 });
  });
});
