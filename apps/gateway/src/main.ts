import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createMemoryBus } from '@flotilla/bus';
import { FlotillaLogger } from '@flotilla/logging';
import { startAgent, type AgentHandle } from '../../docker-agent/src/agent';
import {
  ConfigError as AgentConfigError,
  loadAgentConfig,
} from '../../docker-agent/src/config/agent-config';
import {
  ConfigError,
  CONFIG_HELP,
  loadGatewayConfig,
  type GatewayConfig,
} from './config/gateway.config';
import { startGateway, type RunningGateway } from './gateway-app';

/** Bounded wait for the orderly stop; past it the process exits anyway. */
const SHUTDOWN_TIMEOUT_MS = 10_000;

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
  Logger.overrideLogger(new FlotillaLogger({ level: config.logLevel, app: 'gateway' }));
  const logger = new Logger('Main');

  let agent: AgentHandle | undefined;
  let gateway: RunningGateway;
  if (config.redisUrl === null) {
    let agentConfig;
    try {
      agentConfig = loadAgentConfig({
        ...process.env,
        REDIS_URL: undefined,
        FLOTILLA_STANDALONE: '1',
      });
    } catch (error: unknown) {
      if (error instanceof AgentConfigError) fail(error.message);
      throw error;
    }
    const bus = createMemoryBus({ logger: new Logger('Bus'), retention: agentConfig.retention });
    logger.log(
      `standalone: no REDIS_URL, serving the Docker engine ${agentConfig.docker.display} as host ${agentConfig.hostId}`,
    );
    agent = await startAgent(agentConfig, { bus });
    try {
      gateway = await startGateway(config, { bus, socketAdapter: 'local' });
    } catch (error: unknown) {
      await agent.stop();
      throw error;
    }
  } else {
    gateway = await startGateway(config);
  }

  let signalled = false;
  const shutdown = (signal: string): void => {
    if (signalled) return;
    signalled = true;
    logger.log(`${signal} received, stopping`);
    setTimeout(() => {
      logger.error('shutdown took too long, exiting');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    // Sockets first (leases released, clients told), then the agent marks its host offline.
    gateway
      .close()
      .then(() => agent?.stop())
      .then(
        () => {
          logger.log('stopped');
          process.exit(0);
        },
        (error: unknown) => {
          logger.error(
            `shutdown failed: ${error instanceof Error ? error.message : String(error)}`,
          );
          process.exit(1);
        },
      );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `flotilla gateway failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
