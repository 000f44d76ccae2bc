// First: from here on SIGTERM/SIGINT stop the agent in order, even while the rest loads.
import { runService } from '@flotilla/logging/service-process';
import { ConfigError, FlotillaLogger, describeError } from '@flotilla/logging';
import { startAgent } from './agent';
import { CONFIG_HELP, loadAgentConfig, type AgentConfig } from './config/agent-config';
import { checkHealth } from './healthcheck';
import { createAgentLogger, flotillaLogSink } from './shared/agent-logger';

/**
 * `npm run start:agent`: reads the configuration once, runs the agent until SIGTERM/SIGINT. It
 * logs through libs/logging alone: no framework is loaded in the agent process (its footprint,
 * docs/benchmarks.md).
 */
async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(CONFIG_HELP);
    return;
  }
  let config: AgentConfig;
  try {
    config = loadAgentConfig(process.env);
  } catch (error: unknown) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`flotilla agent: invalid configuration: ${error.message}\n`);
    process.exitCode = 2;
    return;
  }
  if (process.argv.includes('--healthcheck')) {
    const problem = await checkHealth(config);
    if (problem) process.stderr.write(`flotilla agent: unhealthy: ${problem}\n`);
    process.exitCode = problem ? 1 : 0;
    return;
  }
  const logSink = flotillaLogSink(
    new FlotillaLogger({ level: config.logLevel, app: 'docker-agent' }),
  );
  await runService(
    {
      start: (signal) => startAgent(config, { signal, logSink }),
      stop: (agent) => agent.stop(),
    },
    createAgentLogger('Main', config.logLevel, logSink),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`flotilla agent: ${describeError(error)}\n`);
  process.exit(1);
});
