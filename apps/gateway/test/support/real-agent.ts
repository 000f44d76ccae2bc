import { waitFor } from '@flotilla/testing';
import { loadAgentConfig, silentLogger, startAgent, type AgentHandle } from '@flotilla/agent';
import { uniqueHostId } from './fleet-fixtures';
import type { Harness, HarnessRedis } from './gateway-harness';

/** A real agent for the local Docker engine on the harness's Redis, its host online. */
export async function startRealAgent(
  h: Harness<HarnessRedis>,
  prefix: string,
): Promise<{ agent: AgentHandle; hostId: string }> {
  const hostId = uniqueHostId(prefix);
  const agent = await startAgent(
    loadAgentConfig({ ...h.redisEnv, HOST_ID: hostId, LOG_LEVEL: 'error' }),
    { logger: silentLogger },
  );
  await waitFor(async () => (await h.bus.hosts.get(hostId))?.online === true, {
    timeoutMs: 10_000,
    message: 'agent online',
  });
  return { agent, hostId };
}
