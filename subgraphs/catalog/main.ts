import { ConfigError } from '../../platform/config/load-config.ts';
import { onShutdownSignal } from '../../platform/lifecycle/shutdown.ts';
import { createLogger } from '../../platform/logging/logger.ts';
import { startCatalogSubgraph } from './app.ts';
import { loadCatalogConfig, type CatalogConfig } from './config.ts';

let config: CatalogConfig;
try {
  config = loadCatalogConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

const logger = createLogger({ service: 'catalog', level: config.logLevel, pretty: config.logPretty });
const catalog = await startCatalogSubgraph(config, logger);
onShutdownSignal(logger, [{ name: 'catalog subgraph', run: () => catalog.close() }]);
