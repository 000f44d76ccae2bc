import { ConfigError, CONFIG_HELP, loadGatewayConfig } from './config/gateway.config';
import { startGateway } from './gateway-app';

/** Reads the configuration once, starts the gateway, and stops it cleanly on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(CONFIG_HELP);
    return;
  }
  let config;
  try {
    config = loadGatewayConfig(process.env);
  } catch (error: unknown) {
    if (error instanceof ConfigError) {
      process.stderr.write(`flotilla gateway: ${error.message} (see --help)\n`);
      process.exit(2);
    }
    throw error;
  }
  const gateway = await startGateway(config);
  const shutdown = (): void => {
    gateway.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`flotilla gateway failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
