// First: from here on SIGTERM/SIGINT stop the agent in order, even while the rest loads.
import { runService } from '@flotilla/logging/service-process';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError, FlotillaLogger, describeError } from '@flotilla/logging';
import { startAgent } from './agent';
import { CONFIG_HELP, loadAgentConfig, type AgentConfig } from './config/agent-config';

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
  await runService(
    {
      start: (signal) => startAgent(config, { signal }),
      stop: (agent) => agent.stop(),
    },
    new Logger('Main'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`flotilla agent: ${describeError(error)}\n`);
  process.exit(1);
});
