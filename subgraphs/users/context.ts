import type { UsersScope } from './application/scope.ts';
import type { UsersServices } from './application/services.ts';

/** What every users resolver receives: the request's scope, and the process-wide services it hands them. */
export interface UsersContext extends UsersScope {
  services: UsersServices;
}
