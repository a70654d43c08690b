import { loadConfigOrExit, runService } from '../../platform/lifecycle/run-service.ts';
import { startUsersSubgraph } from './app.ts';
import { loadUsersConfig } from './config.ts';

await runService('users', loadConfigOrExit(loadUsersConfig), startUsersSubgraph);
