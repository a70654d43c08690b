import { rowsOlderThan, type RetentionTask } from '../../../platform/messaging/retention.ts';
import type { PaymentRepository } from '../infra/payment.repository.ts';

/**
 * How long a webhook event id is kept: only while a delivery carrying it could still pass the
 * signature's time check. A request signed at `t` passes while |now − t| ≤ tolerance, and `t` may
 * be up to the tolerance after the first delivery arrived (the provider's clock ahead of ours), so
 * a replay of that request can arrive until twice the tolerance after the id was recorded. An hour
 * on top covers skew between our processes' clocks and the database's (`received_at` is its
 * now()). Past that the replay is refused as out of range, so forgetting the id reopens nothing; a
 * fresh delivery of the event by the provider would be applied again, which its effects tolerate
 * (an expiry moves only an AUTHORIZED payment, a refund id is recorded once).
 */
export const webhookEventRetentionMs = (toleranceSeconds: number) => 2 * toleranceSeconds * 1000 + 3_600_000;

export interface PaymentsRetentionSettings {
  /** PAYMENT_REQUEST_RETENTION_HOURS. */
  requestRetentionHours: number;
  /** PAYMENT_WEBHOOK_TOLERANCE_SECONDS: what the webhook ids' retention follows. */
  webhookToleranceSeconds: number;
}

/** Payments' own expiring rows, for its retention job next to the outbox and inbox. */
export function paymentsRetentionTasks(payments: PaymentRepository, settings: PaymentsRetentionSettings): RetentionTask[] {
  return [
    rowsOlderThan('payment_requests', settings.requestRetentionHours * 3_600_000, (cutoff, limit) => payments.deleteRequestKeys(cutoff, limit)),
    rowsOlderThan('webhook_events', webhookEventRetentionMs(settings.webhookToleranceSeconds), (cutoff, limit) => payments.deleteWebhookEvents(cutoff, limit)),
  ];
}
