import type { Logger } from '../../../platform/logging/logger.ts';
import { retryDelayMs } from '../domain/email.ts';
import type { DueEmail, EmailRepository } from '../infra/email.repository.ts';
import type { SenderEvents } from '../infra/metrics.ts';
import type { Mailer } from '../infra/smtp-mailer.ts';
import { SmtpSendError } from '../infra/smtp-mailer.ts';
import type { ContactDirectory, UserContact, VendorContact } from '../infra/contacts.client.ts';
import { renderDueEmail } from './email-renderer.ts';

export interface EmailSenderSettings {
  pollMs: number;
  batchSize: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** `<email id>@<messageIdDomain>` is every email's Message-ID. */
  messageIdDomain: string;
  /**
   * How long after a nudge the sender waits for more emails to become due: a burst of orders then
   * goes out in a few batches (one claim, one recipient lookup each) instead of one per order.
   */
  gatherMs?: number;
  /**
   * How long a claimed batch is this sender's: a sender that dies mid-batch leaves its rows to
   * the next claim after this. Longer than a batch can take (SMTP timeouts included).
   */
  leaseMs?: number;
}

export interface EmailSender {
  /** Starts the loop: a batch `gatherMs` after a nudge, or every `pollMs`. */
  start(): void;
  /** New emails are owed: look now rather than at the next poll. */
  nudge(): void;
  /** Claims and handles one batch; resolves with how many emails it claimed. (The loop calls it; specs may too.) */
  runBatch(): Promise<number>;
  /** Lets the batch in flight finish, then stops. */
  stop(): Promise<void>;
}

const NO_EVENTS: SenderEvents = { sent: () => {}, failed: () => {}, retried: () => {} };

/**
 * Delivers owed emails over SMTP, each once. A batch is claimed as a lease, the recipients' names
 * and addresses are read from users in one lookup, then each email is rendered and sent in turn
 * and marked sent. SMTP or users unreachable → the batch goes back to waiting with a doubling
 * delay and goes out when they answer again; an email that can never go out (recipient unknown,
 * address refused for good) is marked FAILED. A crash between the server's acceptance and the
 * mark sends that email again after the lease, with the same Message-ID.
 */
export function createEmailSender(deps: {
  emails: EmailRepository;
  directory: ContactDirectory;
  mailer: Mailer;
  settings: EmailSenderSettings;
  logger: Logger;
  events?: SenderEvents;
}): EmailSender {
  const { emails, directory, mailer, settings } = deps;
  const events = deps.events ?? NO_EVENTS;
  const log = deps.logger.child({ component: 'EmailSender' });
  const leaseMs = settings.leaseMs ?? 120_000;
  const backoff = (email: DueEmail) => retryDelayMs(email.attempts, { baseMs: settings.retryBaseMs, maxMs: settings.retryMaxMs });
  let running = false;
  let loop: Promise<void> | null = null;
  let wake: (() => void) | null = null;
  let nudged = false;
  let gathering: NodeJS.Timeout | null = null;

  const postpone = async (batch: readonly DueEmail[], error: string) => {
    for (const email of batch) await emails.retryLater(email.id, backoff(email), error);
  };

  const runBatch = async (): Promise<number> => {
    const batch = await emails.claimDue(settings.batchSize, leaseMs);
    if (batch.length === 0) return 0;
    const userIds = [...new Set(batch.filter((email) => email.recipientKind === 'CUSTOMER').map((email) => email.recipientId))];
    const vendorIds = [...new Set(batch.filter((email) => email.recipientKind === 'VENDOR').map((email) => email.recipientId))];
    let users: Map<string, UserContact>;
    let vendors: Map<string, VendorContact>;
    try {
      const found = await directory.lookup({ userIds, vendorIds }, { requestId: batch[0]?.correlationId });
      users = new Map(found.users.map((user) => [user.id, user]));
      vendors = new Map(found.vendors.map((vendor) => [vendor.id, vendor]));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log.warn({ emails: batch.length, err: message }, 'could not read recipients from users; the emails wait');
      events.retried('contacts');
      await postpone(batch, `contacts: ${message}`);
      return batch.length;
    }
    for (const [index, email] of batch.entries()) {
      const fields = { emailId: email.id, template: email.template, orderId: email.orderId, correlationId: email.correlationId, attempt: email.attempts };
      const rendered = renderDueEmail(email, { users, vendors });
      if (!rendered.ok) {
        log.error({ ...fields, reason: rendered.reason }, 'email cannot be sent; marked failed');
        events.failed(email.template);
        await emails.markFailed(email.id, rendered.reason);
        continue;
      }
      try {
        await mailer.send({ messageId: `<${email.id}@${settings.messageIdDomain}>`, to: rendered.to, ...rendered.email });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (error instanceof SmtpSendError && error.permanent) {
          log.error({ ...fields, err: message }, 'SMTP server refused the email for good; marked failed');
          events.failed(email.template);
          await emails.markFailed(email.id, message);
          continue;
        }
        // The server is down or struggling: the rest of the batch would fail the same way.
        log.warn({ ...fields, err: message, waiting: batch.length - index }, 'SMTP send failed; the emails wait');
        events.retried('smtp');
        await postpone(batch.slice(index), message);
        return batch.length;
      }
      await emails.markSent(email.id, rendered.to);
      events.sent(email.template);
      log.info(fields, 'email sent');
    }
    return batch.length;
  };

  /** Waits `ms`, or less when nudged or stopped. */
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (nudged || !running) {
        resolve();
        return;
      }
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = null;
        resolve();
      }
      wake = done;
    });

  const run = async () => {
    let failures = 0;
    while (running) {
      nudged = false;
      try {
        const claimed = await runBatch();
        failures = 0;
        // A full batch means more may be due: go on without waiting.
        if (claimed >= settings.batchSize) continue;
      } catch (error) {
        // The database itself failed (claims and marks): wait longer each time, up to the max.
        failures += 1;
        log.error({ err: error instanceof Error ? error.message : String(error), failures }, 'email batch failed');
        await sleep(retryDelayMs(failures, { baseMs: settings.pollMs, maxMs: settings.retryMaxMs }));
        continue;
      }
      await sleep(settings.pollMs);
    }
  };

  return {
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    nudge() {
      if (gathering) return;
      gathering = setTimeout(() => {
        gathering = null;
        nudged = true;
        wake?.();
      }, settings.gatherMs ?? 0);
    },
    runBatch,
    async stop() {
      running = false;
      if (gathering) clearTimeout(gathering);
      gathering = null;
      wake?.();
      await loop;
      loop = null;
    },
  };
}
