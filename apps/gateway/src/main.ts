// First: from here on SIGTERM/SIGINT stop the process in order, even while the rest loads.
import { runService } from '@flotilla/logging/service-process';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createMemoryBus } from '@flotilla/bus';
import { ConfigError, FlotillaLogger, describeError } from '@flotilla/logging';
import { flotillaLogSink, loadAgentConfig, startAgent, type AgentHandle } from '@flotilla/agent';
import { CONFIG_HELP, loadGatewayConfig, type GatewayConfig } from './config/gateway.config';
import { startGateway, type RunningGateway } from './gateway-app';

function fail(message: string): never {
  process.stderr.write(`flotilla gateway: ${message} (see --help)\n`);
  process.exit(2);
}

/**
 * Reads the configuration once and starts the gateway; stops it cleanly on SIGINT/SIGTERM.
 * Without REDIS_URL it runs standalone: the gateway and an agent for the local Docker engine
 * (DOCKER_HOST) in this one process, sharing an in-process bus.
 */
async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(CONFIG_HELP);
    return;
  }
  let config: GatewayConfig;
  try {
    config = loadGatewayConfig(process.env);
  } catch (error: unknown) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  const output = new FlotillaLogger({ level: config.logLevel, app: 'gateway' });
  Logger.overrideLogger(output);
  const logger = new Logger('Main');

  await runService<Running>(
    {
      start: (signal) =>
        config.redisUrl === null
          ? startStandalone(config, output, signal)
          : startFleet(config, signal),
      // Sockets first (leases released, clients told), then the agent marks its host offline.
      stop: async ({ gateway, agent }) => {
        await gateway.close();
        await agent?.stop();
      },
    },
    logger,
  );
}

interface Running {
  gateway: RunningGateway;
  agent?: AgentHandle;
}

async function startFleet(config: GatewayConfig, signal: AbortSignal): Promise<Running> {
  return { gateway: await startGateway(config, { signal }) };
}

/**
 * The gateway and an agent for the local engine in this process, over an in-process bus. The
 * agent writes through the gateway's logger (`output`), so its lines are the gateway's too.
 */
async function startStandalone(
  config: GatewayConfig,
  output: FlotillaLogger,
  signal: AbortSignal,
): Promise<Running> {
  let agentConfig;
  try {
    agentConfig = loadAgentConfig({
      ...process.env,
      REDIS_URL: undefined,
      FLOTILLA_STANDALONE: '1',
    });
  } catch (error: unknown) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  const bus = createMemoryBus({ logger: new Logger('Bus'), retention: agentConfig.retention });
  new Logger('Main').log(
    `standalone: no REDIS_URL, serving the Docker engine ${agentConfig.docker.display} as host ${agentConfig.hostId}`,
  );
  const agent = await startAgent(agentConfig, { bus, signal, logSink: flotillaLogSink(output) });
  try {
    return { gateway: await startGateway(config, { bus, socketAdapter: 'local', signal }), agent };
  } catch (error: unknown) {
    await agent.stop();
    throw error;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`flotilla gateway failed to start: ${describeError(error)}\n`);
  process.exit(1);
});
