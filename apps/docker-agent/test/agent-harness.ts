/** Helpers for the agent's integration specs: an agent in-process, and reads of what it wrote. */
import { randomBytes } from 'node:crypto';
import { createRedisBus, type Bus, type LogEntry } from '@flotilla/bus';
import { TIMINGS, type Container, type FleetEvent } from '@flotilla/contracts';
import { waitFor, withoutTimestamp } from '@flotilla/testing';
import { startAgent, type AgentHandle, type StartAgentOptions } from '../src/agent';
import { loadAgentConfig, type AgentConfig } from '../src/config/agent-config';
import { silentLogger } from '../src/shared/agent-logger';

export function uniqueHostId(prefix = 'it'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export function agentConfig(
  redisUrl: string,
  hostId: string,
  env: Record<string, string> = {},
): AgentConfig {
  return loadAgentConfig({ REDIS_URL: redisUrl, HOST_ID: hostId, LOG_LEVEL: 'error', ...env });
}

/** Agents and buses a spec opened; `closeAll()` in `afterEach`/`afterAll` ends them whatever happened. */
export class Resources {
  private readonly agents: AgentHandle[] = [];
  private readonly buses: Bus[] = [];

  async agent(config: AgentConfig, options: StartAgentOptions = {}): Promise<AgentHandle> {
    const agent = await startAgent(config, { logger: silentLogger, ...options });
    this.agents.push(agent);
    return agent;
  }

  bus(url: string): Bus {
    const bus = createRedisBus({ url, name: 'flotilla-test' });
    this.buses.push(bus);
    return bus;
  }

  async closeAgents(): Promise<void> {
    await Promise.allSettled(this.agents.splice(0).map((a) => a.stop()));
  }

  async closeAll(): Promise<void> {
    const agents = this.agents.splice(0);
    const buses = this.buses.splice(0);
    await Promise.allSettled(agents.map((a) => a.stop()));
    await Promise.allSettled(buses.map((b) => b.close()));
  }
}

/** Every container event of the host's event stream, oldest first. */
export async function containerEvents(
  bus: Bus,
  hostId: string,
  containerId?: string,
): Promise<Container[]> {
  const out: Container[] = [];
  let after = '0-0';
  for (;;) {
    const page = await bus.events.range(hostId, after, 500);
    if (page.length === 0) return out;
    for (const entry of page) {
      const event: FleetEvent = entry.value;
      if (
        event.type === 'container' &&
        (!containerId || event.container.container_id === containerId)
      ) {
        out.push(event.container);
      }
    }
    after = page[page.length - 1].id;
  }
}

/** Every stored log line of a container (`<ts> <text>`), oldest first, with the entries read. */
export async function storedLogs(
  bus: Bus,
  hostId: string,
  containerId: string,
): Promise<{ lines: string[]; entries: LogEntry[] }> {
  const lines: string[] = [];
  const entries: LogEntry[] = [];
  let after = '0-0';
  for (;;) {
    const page = await bus.logs.range(hostId, containerId, after, 200);
    if (page.length === 0) return { lines, entries };
    for (const entry of page) {
      entries.push(entry);
      const text = entry.text.endsWith('\n') ? entry.text.slice(0, -1) : entry.text;
      lines.push(...text.split('\n'));
    }
    after = page[page.length - 1].id;
  }
}

/** The text of stored lines, without Docker's timestamp. */
export function texts(lines: string[]): string[] {
  return lines.map(withoutTimestamp);
}

/** Waits until the container's stored log holds `count` lines; returns them. */
export async function waitForLines(
  bus: Bus,
  hostId: string,
  containerId: string,
  count: number,
  timeoutMs = 20_000,
): Promise<string[]> {
  let last: string[] = [];
  try {
    return await waitFor(
      async () => {
        last = (await storedLogs(bus, hostId, containerId)).lines;
        return last.length >= count ? last : null;
      },
      {
        timeoutMs,
        intervalMs: 100,
        message: `${count} stored log lines of ${containerId.slice(0, 12)}`,
      },
    );
  } catch (error: unknown) {
    throw new Error(
      `${(error as Error).message} (have ${last.length}; last: ${JSON.stringify(last.slice(-3))})`,
    );
  }
}

/** Holds a lease the way a gateway does: renewed until released. */
export async function holdLease(
  bus: Bus,
  kind: 'logs' | 'stats',
  hostId: string,
  containerId: string,
  holder = 'test-replica',
): Promise<() => Promise<void>> {
  await bus.leases.acquire(kind, hostId, containerId, holder, TIMINGS.leaseTtlMs);
  const timer = setInterval(() => {
    bus.leases
      .acquire(kind, hostId, containerId, holder, TIMINGS.leaseTtlMs)
      .catch(() => undefined);
  }, TIMINGS.leaseRenewMs);
  return async () => {
    clearInterval(timer);
    await bus.leases.release(kind, hostId, containerId, holder).catch(() => undefined);
  };
}

/** Each line of `lines` once, in order, as `prefix 1`…`prefix n`: returns the first problem, or null. */
export function checkNumbered(lines: string[], prefix: string, n: number): string | null {
  if (lines.length !== n) return `expected ${n} lines, got ${lines.length}`;
  for (let i = 0; i < n; i++) {
    if (lines[i] !== `${prefix} ${i + 1}`) return `line ${i + 1} is ${JSON.stringify(lines[i])}`;
  }
  return null;
}

/** Docker's own log of a container, `<ts> <text>` per line (TTY `\r` stripped), as the agent should store it. */
export async function dockerLogLines(container: import('dockerode').Container): Promise<string[]> {
  const info = await container.inspect();
  const raw = await container.logs({ stdout: true, stderr: true, follow: false, timestamps: true });
  const parts: Buffer[] = [];
  if (info.Config.Tty) {
    parts.push(raw);
  } else {
    for (let offset = 0; offset + 8 <= raw.length;) {
      const length = raw.readUInt32BE(offset + 4);
      parts.push(raw.subarray(offset + 8, offset + 8 + length));
      offset += 8 + length;
    }
  }
  const text = Buffer.concat(parts).toString('utf8');
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((l) => l.replace(/\r$/, ''));
}

/** Runs a command inside a running container and waits for it to finish. */
export async function execIn(
  container: import('dockerode').Container,
  cmd: string[],
): Promise<void> {
  const exec = await container.exec({ Cmd: cmd, AttachStdout: false, AttachStderr: false });
  // Even detached, dockerode hands back the hijacked connection: close it once the command ran.
  const stream = (await exec.start({ Detach: true })) as unknown as
    import('node:stream').Duplex | undefined;
  try {
    await waitFor(async () => !(await exec.inspect()).Running, {
      timeoutMs: 5_000,
      message: `exec ${cmd.join(' ')}`,
    });
  } finally {
    stream?.destroy();
  }
}
