import type { BaseRequestContext } from '../../../platform/graphql/request-context.ts';
import { NEVER_ABORTED } from '../../../platform/http/caller-signal.ts';
import type { PaymentRepository } from '../infra/payment.repository.ts';
import { createCardService, type CardService } from './card.service.ts';
import { systemClock, type Clock } from './clock.ts';
import { createLedgerService, type LedgerService } from './ledger.service.ts';
import type { PaymentProvider } from './payment-provider.ts';
import { createPaymentService, type PaymentService } from './payment.service.ts';
import type { PaymentsScope } from './scope.ts';

/** What the services are built from: the repository, the provider port (already time-bounded), the commission and a clock. */
export interface PaymentsAppDeps {
  payments: PaymentRepository;
  provider: PaymentProvider;
  commissionBps: number;
  clock?: Clock;
  /** Called after a commit that wrote to the outbox outside a consumer. */
  nudgeRelay?: () => void;
}

export interface PaymentsServices {
  cards: CardService;
  /** The saga's steps (message handlers), admin capture/refund, payment reads, provider events. */
  payments: PaymentService;
  ledger: LedgerService;
}

export interface PaymentsApp {
  services: PaymentsServices;
  scopeFor(request: BaseRequestContext, signal?: AbortSignal): PaymentsScope;
}

/** The payments services over given adapters: app.ts serves them, specs call them directly. */
export function createPaymentsApp(deps: PaymentsAppDeps): PaymentsApp {
  const clock = deps.clock ?? systemClock;
  return {
    services: {
      cards: createCardService({ provider: deps.provider, clock }),
      payments: createPaymentService(deps),
      ledger: createLedgerService(deps),
    },
    scopeFor: (request, signal = NEVER_ABORTED) => ({ ...request, signal }),
  };
}
