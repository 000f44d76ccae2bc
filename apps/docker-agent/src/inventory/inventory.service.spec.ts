import { createMemoryBus, type Bus } from '@flotilla/bus';
import type { Container } from '@flotilla/contracts';
import { waitFor } from '@flotilla/testing';
import { AgentMetrics } from '../agent-metrics';
import type { DockerInspect } from '../docker/docker-inspect';
import { BusHealth } from '../heartbeat/bus-health';
import { silentLogger } from '../shared/agent-logger';
import { ContainerRegistry } from './container-registry';
import { InventoryService } from './inventory.service';
import { RevisionClock } from './revision-clock';

const HOST = 'host-a';
const id = (n: number): string => String(n).repeat(64).slice(0, 64);

function inspectOf(
  n: number,
  patch: Partial<DockerInspect['State']> = {},
  name = `c${n}`,
): DockerInspect {
  return {
    Id: id(n),
    Name: `/${name}`,
    Created: '2026-01-01T00:00:00Z',
    State: {
      Status: 'running',
      Running: true,
      Paused: false,
      Restarting: false,
      Dead: false,
      ExitCode: 0,
      StartedAt: '2026-01-01T00:00:01Z',
      FinishedAt: '0001-01-01T00:00:00Z',
      ...patch,
    },
    Config: { Image: 'img', Tty: false, Labels: {} },
  };
}

/** A fake engine: a map of inspect answers, and a count of inspects per container. */
class FakeDocker {
  readonly containers = new Map<string, DockerInspect>();
  readonly inspects = new Map<string, number>();
  failing = false;
  lists = 0;

  set(i: DockerInspect): void {
    this.containers.set(i.Id, i);
  }

  listIds(): Promise<string[]> {
    this.lists++;
    return this.failing
      ? Promise.reject(new Error('engine down'))
      : Promise.resolve([...this.containers.keys()]);
  }

  inspect(containerId: string): Promise<DockerInspect | null> {
    this.inspects.set(containerId, (this.inspects.get(containerId) ?? 0) + 1);
    if (this.failing) return Promise.reject(new Error('engine down'));
    return Promise.resolve(this.containers.get(containerId) ?? null);
  }
}

describe('InventoryService', () => {
  let bus: Bus;
  let docker: FakeDocker;
  let registry: ContainerRegistry;
  let inventory: InventoryService;
  let metrics: AgentMetrics;

  const events = async (): Promise<Container[]> =>
    (await bus.events.range(HOST, '0-0', 1000)).flatMap((e) =>
      e.value.type === 'container' ? [e.value.container] : [],
    );

  beforeEach(() => {
    bus = createMemoryBus();
    docker = new FakeDocker();
    registry = new ContainerRegistry();
    metrics = new AgentMetrics();
    inventory = new InventoryService(
      HOST,
      docker,
      bus,
      registry,
      new RevisionClock(),
      metrics,
      new BusHealth(),
      silentLogger,
    );
  });
  afterEach(async () => {
    await inventory.stop();
    await bus.close();
  });

  it('writes the snapshot and an event per container at the first resync', async () => {
    docker.set(inspectOf(1));
    docker.set(
      inspectOf(2, {
        Status: 'exited',
        Running: false,
        ExitCode: 1,
        FinishedAt: '2026-01-01T00:00:02Z',
      }),
    );
    inventory.requestResync('start');
    await inventory.idle();
    const snapshot = await bus.snapshots.list(HOST);
    expect(snapshot.map((c) => [c.container_id, c.state]).sort()).toEqual([
      [id(1), 'running'],
      [id(2), 'exited'],
    ]);
    expect((await events()).length).toBe(2);
    expect(registry.all().length).toBe(2);
    expect(metrics.counters.resyncs).toBe(1);
  });

  it('publishes only differences with what the bus held, and the vanished as removed', async () => {
    docker.set(inspectOf(1));
    docker.set(inspectOf(2));
    docker.set(inspectOf(3));
    inventory.requestResync('start');
    await inventory.idle();
    const held = new Map((await bus.snapshots.list(HOST)).map((c) => [c.container_id, c]));

    // A new agent (empty registry, fresh clock) after changes made while it was away.
    docker.set(
      inspectOf(2, { Status: 'exited', Running: false, FinishedAt: '2026-01-01T00:00:09Z' }),
    );
    docker.containers.delete(id(3));
    docker.set(
      inspectOf(4, { Status: 'created', Running: false, StartedAt: '0001-01-01T00:00:00Z' }),
    );
    const next = new InventoryService(
      HOST,
      docker,
      bus,
      new ContainerRegistry(),
      new RevisionClock(() => 1),
      metrics,
      new BusHealth(),
      silentLogger,
    );
    const before = (await events()).length;
    next.requestResync('restart');
    await next.idle();
    const published = (await events()).slice(before);
    expect(published.map((c) => [c.container_id, c.state]).sort()).toEqual([
      [id(2), 'exited'],
      [id(3), 'removed'],
      [id(4), 'created'],
    ]);
    // Revisions move forward from what the bus held, even with a clock in the past.
    expect(published.find((c) => c.container_id === id(2))!.revision).toBeGreaterThan(
      held.get(id(2))!.revision,
    );
    expect(published.find((c) => c.container_id === id(3))).toMatchObject({
      name: 'c3',
      state: 'removed',
    });
    const snapshot = new Map((await bus.snapshots.list(HOST)).map((c) => [c.container_id, c]));
    expect(snapshot.get(id(1))!.revision).toBe(held.get(id(1))!.revision);
    expect(snapshot.has(id(3))).toBe(false);
    await next.stop();
  });

  it('coalesces a burst of events for one container into few inspects, without losing the last state', async () => {
    docker.set(inspectOf(1));
    inventory.requestResync('start');
    await inventory.idle();
    docker.inspects.clear();
    docker.set(inspectOf(1, { Paused: true, Status: 'paused' }));
    for (let i = 0; i < 20; i++) inventory.containerEvent(id(1));
    await inventory.idle();
    expect(docker.inspects.get(id(1))).toBeLessThanOrEqual(2);
    const all = await events();
    expect(all[all.length - 1]).toMatchObject({ container_id: id(1), state: 'paused' });
    expect(all.filter((c) => c.state === 'paused')).toHaveLength(1);
  });

  it('publishes nothing once stopped, even an update whose inspect was in flight', async () => {
    docker.set(inspectOf(1));
    inventory.requestResync('start');
    await inventory.idle();
    const before = (await events()).length;
    let answer!: () => void;
    const slow = new Promise<void>((resolve) => (answer = resolve));
    const inspect = docker.inspect.bind(docker);
    docker.inspect = async (containerId) => {
      await slow;
      return inspect(containerId);
    };
    docker.set(inspectOf(1, { Paused: true, Status: 'paused' }));
    inventory.containerEvent(id(1));
    let stopped = false;
    const stopping = inventory.stop().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    answer();
    await stopping;
    expect((await events()).length).toBe(before);
    expect((await bus.snapshots.get(HOST, id(1)))?.state).toBe('running');
  });

  it('keeps the last known fields of a destroyed container and marks it removed', async () => {
    docker.set(inspectOf(1, {}, 'web'));
    inventory.requestResync('start');
    await inventory.idle();
    const running = registry.get(id(1))!;
    docker.containers.delete(id(1));
    inventory.containerEvent(id(1));
    await inventory.idle();
    const last = (await events()).pop()!;
    expect(last).toMatchObject({
      container_id: id(1),
      name: 'web',
      image: 'img',
      state: 'removed',
    });
    expect(last.revision).toBeGreaterThan(running.revision);
    expect((await bus.snapshots.get(HOST, id(1)))?.state).toBe('removed');
    expect(registry.get(id(1))).toBeUndefined();
  });

  it('publishes nothing for an event that changed nothing a viewer sees', async () => {
    docker.set(inspectOf(1));
    inventory.requestResync('start');
    await inventory.idle();
    const before = (await events()).length;
    inventory.containerEvent(id(1));
    await inventory.idle();
    expect((await events()).length).toBe(before);
  });

  it('retries a resync that failed because the engine was away', async () => {
    docker.set(inspectOf(1));
    docker.failing = true;
    inventory.requestResync('start');
    await waitFor(() => docker.lists >= 1, { message: 'a first attempt' });
    expect(metrics.counters.resyncs).toBe(0);
    docker.failing = false;
    await inventory.idle();
    expect(metrics.counters.resyncs).toBe(1);
    expect(await bus.snapshots.get(HOST, id(1))).not.toBeNull();
  });

  it('records which containers have a memory limit of their own, for their stats', async () => {
    docker.set({ ...inspectOf(1), HostConfig: { Memory: 64 * 1024 * 1024 } });
    docker.set(inspectOf(2));
    inventory.requestResync('start');
    await inventory.idle();
    expect(registry.memoryLimited(id(1))).toBe(true);
    expect(registry.memoryLimited(id(2))).toBe(false);

    // `docker update --memory`: an event whose inspect changes nothing a viewer sees.
    docker.set({ ...inspectOf(2), HostConfig: { Memory: 32 * 1024 * 1024 } });
    inventory.containerEvent(id(2));
    await inventory.idle();
    expect(registry.memoryLimited(id(2))).toBe(true);

    docker.containers.delete(id(1));
    inventory.containerEvent(id(1));
    await inventory.idle();
    expect(registry.memoryLimited(id(1))).toBeUndefined();
  });
});
