/**
 * The agent's public API: what the gateway's standalone mode, the fleet script, benchmarks and
 * tests may use (`@flotilla/agent`). Everything else under src/ is the agent's own.
 */
export { startAgent, type AgentHandle, type StartAgentOptions } from './agent';
export {
  CONFIG_HELP as AGENT_CONFIG_HELP,
  loadAgentConfig,
  type AgentConfig,
} from './config/agent-config';
export {
  createAgentLogger,
  flotillaLogSink,
  silentLogger,
  type AgentLogger,
  type AgentLogSink,
} from './shared/agent-logger';
