import { createMemoryBus, type Bus } from '@flotilla/bus';
import { FLEET_EVENT_FIELD, type CommandRequest } from '@flotilla/contracts';
import { AgentMetrics } from '../agent-metrics';
import {
  DockerCallError,
  type ActionOutcome,
  type LifecycleAction,
} from '../docker/container-client';
import { silentLogger } from '../shared/agent-logger';
import { CommandService } from './command.service';

const HOST = 'host-a';
const CID = 'a'.repeat(64);

/** A strict fake: answers only what a test scripted, fails on anything else. */
class FakeDocker {
  readonly calls: string[] = [];
  constructor(private readonly answers: Record<string, ActionOutcome | Error>) {}

  act(action: LifecycleAction, containerId: string): Promise<ActionOutcome> {
    this.calls.push(`${action} ${containerId}`);
    const answer = this.answers[action];
    if (answer === undefined) throw new Error(`unexpected docker call: ${action}`);
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  }
}

describe('CommandService', () => {
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
  const service = (docker: FakeDocker, allowRemove = false, now?: () => number) =>
    new CommandService(
      bus,
      docker,
      new AgentMetrics(),
      { hostId: HOST, allowRemove, now },
      silentLogger,
    );
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
    const s = service(docker, false, () => 5_000);
    await s.handle(request({ request_id: 'req-remove01', action: 'remove' }));
    await s.handle(request({ request_id: 'req-expired1', expires_at: 5_000 }));
    expect(docker.calls).toEqual([]);
    expect(await replyTo('req-remove01')).toMatchObject({ ok: false, code: 'disabled' });
    expect(await replyTo('req-expired1')).toMatchObject({ ok: false, code: 'expired' });
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
