import { createRedisBus } from '@flotilla/bus';
import type { AgentConfig } from './config/agent-config';

/**
 * `main.js --healthcheck` (the image's HEALTHCHECK): healthy when the bus says this host is
 * online, i.e. a running agent's heartbeat reached Redis within the heartbeat timeout. It reads
 * only its own host's keys, which the agent's ACL allows. Resolves with what is wrong, if anything.
 */
export async function checkHealth(config: AgentConfig): Promise<string | undefined> {
  if (!config.redisUrl) return 'no REDIS_URL: nothing to check';
  const bus = createRedisBus({
    url: config.redisUrl,
    mode: config.redisMode,
    name: `flotilla-agent-${config.hostId}-health`,
  });
  try {
    const host = await bus.hosts.get(config.hostId);
    if (!host) return `host ${config.hostId} has not announced itself`;
    return host.online
      ? undefined
      : `host ${config.hostId} is offline (last seen ${host.last_seen})`;
  } finally {
    await bus.close().catch(() => undefined);
  }
}
