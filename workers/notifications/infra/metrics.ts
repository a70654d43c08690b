import { Counter, type Registry } from 'prom-client';
import { EMAIL_TEMPLATES } from '../domain/email.ts';

/** What the email sender reports as it goes. */
export interface SenderEvents {
  sent(template: string): void;
  failed(template: string): void;
  retried(reason: 'smtp' | 'contacts'): void;
}

/** The sender's counters; label values are bounded (templates, two retry reasons). */
export function createSenderMetrics(registry: Registry): SenderEvents {
  const sent = new Counter({ name: 'notification_emails_sent_total', help: 'Emails the SMTP server accepted, by template.', labelNames: ['template'] as const, registers: [registry] });
  const failed = new Counter({ name: 'notification_emails_failed_total', help: 'Emails given up for good (unknown recipient, address refused), by template.', labelNames: ['template'] as const, registers: [registry] });
  const retried = new Counter({ name: 'notification_email_batches_postponed_total', help: 'Batches put back to wait because SMTP or users did not answer, by cause.', labelNames: ['reason'] as const, registers: [registry] });
  const known = new Set<string>(EMAIL_TEMPLATES);
  const label = (template: string) => (known.has(template) ? template : 'other');
  return {
    sent: (template) => sent.inc({ template: label(template) }),
    failed: (template) => failed.inc({ template: label(template) }),
    retried: (reason) => retried.inc({ reason }),
  };
}
