import { loadConfigOrExit, runService } from '../../platform/lifecycle/run-service.ts';
import { startCatalogSubgraph } from './app.ts';
import { loadCatalogConfig } from './config.ts';

await runService('catalog', loadConfigOrExit(loadCatalogConfig), (config, logger) => startCatalogSubgraph(config, logger));
