import { createMemoryBus, type Bus } from '@flotilla/bus';
import type { HostInfo } from '@flotilla/contracts';
import { waitFor } from '@flotilla/testing';
import { AgentMetrics } from '../agent-metrics';
import type { AgentLogger } from '../shared/agent-logger';
import { BusHealth } from './bus-health';
import { HeartbeatService } from './heartbeat.service';

const quiet: AgentLogger = {
  error: () => undefined,
  warn: () => undefined,
  log: () => undefined,
  debug: () => undefined,
  verbose: () => undefined,
  child: () => quiet,
};

describe('HeartbeatService', () => {
  let bus: Bus;
  let heartbeat: HeartbeatService;

  afterEach(async () => {
    await heartbeat?.stop(false);
    await bus?.close();
  });

  it('announces an engine change that arrives while an earlier announce is still in flight', async () => {
    bus = createMemoryBus();
    const announce = bus.hosts.announce.bind(bus.hosts);
    const announced: HostInfo[] = [];
    let first = true;
    bus.hosts.announce = async (info: HostInfo) => {
      if (first) {
        first = false;
        // The engine answers while the first (engine-less) announce is on its way.
        heartbeat.setEngine({ reachable: true, version: '20.10', error: null });
      }
      announced.push(info);
      await announce(info);
    };
    heartbeat = new HeartbeatService(
      bus,
      {
        hostId: 'hb-host',
        labels: {},
        agentVersion: 'test',
        engineAddress: 'unix:///var/run/docker.sock',
        intervalMs: 60_000,
      },
      new BusHealth(),
      new AgentMetrics(),
      () => undefined,
      quiet,
    );
    heartbeat.start();
    const host = await waitFor(
      async () => {
        const h = await bus.hosts.get('hb-host');
        return h?.engine.reachable ? h : null;
      },
      { timeoutMs: 3_000, message: 'the reachable engine announced' },
    );
    expect(host.engine.version).toBe('20.10');
    expect(announced.map((i) => i.engine.reachable)).toEqual([false, true]);
  });
});
