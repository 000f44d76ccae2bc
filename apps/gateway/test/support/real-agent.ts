import { waitFor } from '@flotilla/testing';
import { loadAgentConfig, silentLogger, startAgent, type AgentHandle } from '@flotilla/agent';
import { uniqueHostId } from './fleet-fixtures';
import type { Harness } from './gateway-harness';

/** A real agent for the local Docker engine on the harness's Redis, its host online. */
export async function startRealAgent(
  h: Harness,
  prefix: string,
): Promise<{ agent: AgentHandle; hostId: string }> {
  const hostId = uniqueHostId(prefix);
  const agent = await startAgent(
    loadAgentConfig({ REDIS_URL: h.redis.url, HOST_ID: hostId, LOG_LEVEL: 'error' }),
    { logger: silentLogger },
  );
  await waitFor(async () => (await h.bus.hosts.get(hostId))?.online === true, {
    timeoutMs: 10_000,
    message: 'agent online',
  });
  return { agent, hostId };
}
