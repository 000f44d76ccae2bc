import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { startAgent } from './agent';
import { FlotillaLogger } from '@flotilla/logging';
import { CONFIG_HELP, ConfigError, loadAgentConfig, type AgentConfig } from './config/agent-config';

/** `npm run start:agent`: reads the configuration once, runs the agent until SIGTERM/SIGINT. */
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
  Logger.overrideLogger(new FlotillaLogger({ level: config.logLevel, app: 'docker-agent' }));
  const logger = new Logger('Main');
  process.on('unhandledRejection', (reason) => {
    logger.error(
      `unhandled rejection: ${reason instanceof Error ? reason.message : String(reason)}`,
    );
  });

  const agent = await startAgent(config);
  let signalled = false;
  const shutdown = (signal: string): void => {
    if (signalled) return;
    signalled = true;
    logger.log(`${signal} received, stopping`);
    const force = setTimeout(() => {
      logger.error('shutdown took too long, exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    agent
      .stop()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `flotilla agent: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
