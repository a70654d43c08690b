import type { PaymentsScope } from './application/scope.ts';
import type { PaymentsServices } from './application/services.ts';

/** What every payments resolver receives: the request's scope (caller, logger, signal) and the process-wide services. */
export interface PaymentsContext extends PaymentsScope {
  services: PaymentsServices;
}
