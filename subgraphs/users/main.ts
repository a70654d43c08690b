import { ConfigError } from '../../platform/config/load-config.ts';
import { onShutdownSignal } from '../../platform/lifecycle/shutdown.ts';
import { createLogger } from '../../platform/logging/logger.ts';
import { startUsersSubgraph } from './app.ts';
import { loadUsersConfig, type UsersConfig } from './config.ts';

let config: UsersConfig;
try {
  config = loadUsersConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
const logger = createLogger({ service: 'users', level: config.logLevel, pretty: config.logPretty });
const subgraph = await startUsersSubgraph(config, logger);
onShutdownSignal(logger, [{ name: 'users subgraph', run: () => subgraph.close() }]);
