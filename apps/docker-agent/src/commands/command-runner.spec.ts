import { createMemoryBus, type Bus } from '@flotilla/bus';
import { FLEET_EVENT_FIELD, type CommandRequest } from '@flotilla/contracts';
import { AgentMetrics } from '../agent-metrics';
import {
  DockerCallError,
  type ActionOutcome,
  type LifecycleAction,
} from '../docker/container-client';
import { silentLogger } from '../shared/agent-logger';
import { CommandRunner } from './command-runner';

const HOST = 'host-a';
const CID = 'a'.repeat(64);
const OTHER = 'b'.repeat(64);

/**
 * A strict fake: answers only what a test scripted, fails on anything else. Calls on a `hung`
 * container never answer (as a wedged dockerd), whatever their signal says.
 */
class FakeDocker {
  readonly calls: string[] = [];
  readonly signals: AbortSignal[] = [];
  constructor(
    private readonly answers: Record<string, ActionOutcome | Error>,
    private readonly hung = new Set<string>(),
  ) {}

  act(action: LifecycleAction, containerId: string, signal?: AbortSignal): Promise<ActionOutcome> {
    this.calls.push(`${action} ${containerId}`);
    if (signal) this.signals.push(signal);
    if (this.hung.has(containerId)) return new Promise<ActionOutcome>(() => undefined);
    const answer = this.answers[action];
    if (answer === undefined) throw new Error(`unexpected docker call: ${action}`);
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  }
}

describe('CommandRunner', () => {
  let bus: Bus;
  beforeEach(() => (bus = createMemoryBus()));
  afterEach(() => bus.close());

  const request = (patch: Partial<CommandRequest> = {}): CommandRequest => ({
    v: 1,
    request_id: 'req-00000001',
    host_id: HOST,
    container_id: CID,
    action: 'start',
    requested_by: 'alice',
    expires_at: Date.now() + 10_000,
    ...patch,
  });
  const service = (docker: FakeDocker, allowRemove = false, actionTimeoutMs?: number) =>
    new CommandRunner(
      bus,
      docker,
      new AgentMetrics(),
      { hostId: HOST, allowRemove, actionTimeoutMs },
      silentLogger,
    );
  const entry = (id: string, r: CommandRequest) => ({
    id,
    value: { [FLEET_EVENT_FIELD]: JSON.stringify(r) },
  });
  const replyTo = (id: string) => bus.commands.awaitReply(HOST, id, 1_000);

  it('runs an action and replies ok', async () => {
    const docker = new FakeDocker({ stop: { unchanged: false } });
    await service(docker).handle(request({ action: 'stop' }));
    expect(docker.calls).toEqual([`stop ${CID}`]);
    expect(await replyTo('req-00000001')).toMatchObject({
      ok: true,
      unchanged: false,
      code: null,
      error: null,
      action: 'stop',
    });
  });

  it('answers "already so" (304) as success with unchanged', async () => {
    await service(new FakeDocker({ start: { unchanged: true } })).handle(request());
    expect(await replyTo('req-00000001')).toMatchObject({ ok: true, unchanged: true });
  });

  it('maps 404 to not_found and other failures to docker_error', async () => {
    const s = service(
      new FakeDocker({
        start: new DockerCallError('No such container', 404),
        restart: new DockerCallError('boom', 500),
      }),
    );
    await s.handle(request({ request_id: 'req-notfound' }));
    await s.handle(request({ request_id: 'req-failing1', action: 'restart' }));
    expect(await replyTo('req-notfound')).toMatchObject({ ok: false, code: 'not_found' });
    expect(await replyTo('req-failing1')).toMatchObject({
      ok: false,
      code: 'docker_error',
      error: 'boom',
    });
  });

  it('refuses remove unless allowed, and expired commands, without calling Docker', async () => {
    const docker = new FakeDocker({});
    const s = service(docker, false);
    await s.handle(request({ request_id: 'req-remove01', action: 'remove' }));
    await s.handle(request({ request_id: 'req-expired1', expires_at: await bus.time() }));
    expect(docker.calls).toEqual([]);
    expect(await replyTo('req-remove01')).toMatchObject({ ok: false, code: 'disabled' });
    expect(await replyTo('req-expired1')).toMatchObject({ ok: false, code: 'expired' });
  });

  it("judges expiry on the bus's clock, whatever this host's clock says", async () => {
    const realNow = Date.now.bind(Date);
    const docker = new FakeDocker({ start: { unchanged: false } });
    const s = service(docker);
    try {
      // 15 s ahead: a command with 10 s left still runs.
      jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 15_000);
      await s.handle(
        request({ request_id: 'req-ahead001', expires_at: (await bus.time()) + 10_000 }),
      );
      // 15 s behind: a command whose deadline has passed is not run late.
      jest.spyOn(Date, 'now').mockImplementation(() => realNow() - 15_000);
      await s.handle(request({ request_id: 'req-behind01', expires_at: (await bus.time()) - 1 }));
    } finally {
      jest.restoreAllMocks();
    }
    expect(await replyTo('req-ahead001')).toMatchObject({ ok: true });
    expect(await replyTo('req-behind01')).toMatchObject({ ok: false, code: 'expired' });
    expect(docker.calls).toEqual([`start ${CID}`]);
  });

  it('gives up on a Docker call that never answers, without holding up other containers', async () => {
    const docker = new FakeDocker({ start: { unchanged: false } }, new Set([CID]));
    const s = service(docker, false, 1_500);
    const started = Date.now();
    s.receive([
      entry('1-0', request({ request_id: 'req-hung0001', action: 'stop' })),
      entry('2-0', request({ request_id: 'req-hung0002', action: 'start' })),
      entry('3-0', request({ request_id: 'req-other001', container_id: OTHER })),
    ]);
    // The other container is served while the first call still hangs.
    expect(await replyTo('req-other001')).toMatchObject({ ok: true, container_id: OTHER });
    expect(await bus.commands.awaitReply(HOST, 'req-hung0001', 0)).toBeNull();
    // The hung call is abandoned at its deadline (its request aborted), and the container's next
    // command runs after it, in order.
    expect(await bus.commands.awaitReply(HOST, 'req-hung0001', 10_000)).toMatchObject({
      ok: false,
      code: 'timeout',
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_450);
    expect(await bus.commands.awaitReply(HOST, 'req-hung0002', 10_000)).toMatchObject({
      ok: false,
      code: 'timeout',
    });
    expect(await replyTo('req-hung0002')).toMatchObject({ ok: false, code: 'timeout' });
    expect(docker.calls).toEqual([`stop ${CID}`, `start ${OTHER}`, `start ${CID}`]);
    expect(docker.signals[0].aborted).toBe(true);
    await s.stop();
  });

  it('removes when allowed', async () => {
    const docker = new FakeDocker({ remove: { unchanged: false } });
    await service(docker, true).handle(request({ action: 'remove' }));
    expect(await replyTo('req-00000001')).toMatchObject({ ok: true });
  });

  it('ignores invalid entries and commands for another host, runs valid ones in order', async () => {
    const docker = new FakeDocker({ start: { unchanged: false }, stop: { unchanged: false } });
    const s = service(docker);
    s.receive([
      { id: '1-0', value: { [FLEET_EVENT_FIELD]: 'not json' } },
      {
        id: '2-0',
        value: { [FLEET_EVENT_FIELD]: JSON.stringify({ ...request(), action: 'format' }) },
      },
      { id: '3-0', value: { other: 'field' } },
      { id: '4-0', value: { [FLEET_EVENT_FIELD]: JSON.stringify(request({ host_id: 'host-b' })) } },
      {
        id: '5-0',
        value: { [FLEET_EVENT_FIELD]: JSON.stringify(request({ request_id: 'req-first001' })) },
      },
      {
        id: '6-0',
        value: {
          [FLEET_EVENT_FIELD]: JSON.stringify(
            request({ request_id: 'req-second01', action: 'stop' }),
          ),
        },
      },
    ]);
    expect(await replyTo('req-second01')).toMatchObject({ ok: true });
    expect(docker.calls).toEqual([`start ${CID}`, `stop ${CID}`]);
  });
});
