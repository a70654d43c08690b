import type { Logger } from '../../../platform/logging/logger.ts';
import { retryDelayMs } from '../domain/email.ts';
import type { RenderedEmail } from '../domain/templates.ts';
import type { DueEmail, EmailOutcome, EmailRepository } from '../infra/email.repository.ts';
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
  /** Emails of a batch in flight at once: the mailer's connections (SMTP_MAX_CONNECTIONS). Default 1. */
  parallelSends?: number;
  /**
   * How long after a nudge the sender waits for more emails to become due: a burst of orders then
   * goes out in a few batches (one claim, one recipient lookup, one outcome write each) instead
   * of one per order.
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

/** A claimed email ready to go: its recipient's address and the rendered message. */
interface Sendable {
  email: DueEmail;
  to: string;
  rendered: RenderedEmail;
}

const NO_EVENTS: SenderEvents = { sent: () => {}, failed: () => {}, retried: () => {} };

/**
 * Delivers owed emails over SMTP, each once. A batch is claimed as a lease, the recipients' names
 * and addresses are read from users in one lookup, each email is rendered and sent (a few at once
 * over the pooled connections), then the batch's outcomes are written in one statement. SMTP or
 * users unreachable → the emails not sent go back to waiting with a doubling delay and go out
 * when they answer again; an email that can never go out (recipient unknown, address refused for
 * good) is marked FAILED. A crash between the server's acceptance of an email and that write
 * sends it again after the lease, with the same Message-ID.
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
  const parallelSends = settings.parallelSends ?? 1;
  const backoff = (email: DueEmail) => retryDelayMs(email.attempts, { baseMs: settings.retryBaseMs, maxMs: settings.retryMaxMs });
  let running = false;
  let loop: Promise<void> | null = null;
  let wake: (() => void) | null = null;
  let nudged = false;
  let gathering: NodeJS.Timeout | null = null;

  const retry = (email: DueEmail, error: string): EmailOutcome => ({ id: email.id, status: 'PENDING', retryInMs: backoff(email), error });

  /**
   * Sends the rendered emails, up to `parallelSends` at once over the mailer's pooled connections.
   * After a transient failure no further email is tried: the rest would fail the same way.
   */
  const send = async (sendable: readonly Sendable[]): Promise<EmailOutcome[]> => {
    const outcomes: EmailOutcome[] = [];
    let smtpDown: string | null = null;
    let next = 0;
    const lane = async () => {
      while (smtpDown === null) {
        const item = sendable[next];
        if (!item) return;
        next += 1;
        const { email, to, rendered } = item;
        const fields = { emailId: email.id, template: email.template, orderId: email.orderId, correlationId: email.correlationId, attempt: email.attempts };
        try {
          await mailer.send({ messageId: `<${email.id}@${settings.messageIdDomain}>`, to, ...rendered });
          outcomes.push({ id: email.id, status: 'SENT', toAddress: to });
          events.sent(email.template);
          log.info(fields, 'email sent');
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          if (error instanceof SmtpSendError && error.permanent) {
            log.error({ ...fields, err: message }, 'SMTP server refused the email for good; marked failed');
            events.failed(email.template);
            outcomes.push({ id: email.id, status: 'FAILED', error: message });
          } else {
            log.warn({ ...fields, err: message, untried: sendable.length - next }, 'SMTP send failed; the emails wait');
            outcomes.push(retry(email, message));
            smtpDown ??= message;
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallelSends, sendable.length) }, lane));
    if (smtpDown !== null) {
      const error = smtpDown;
      events.retried('smtp');
      outcomes.push(...sendable.slice(next).map(({ email }) => retry(email, error)));
    }
    return outcomes;
  };

  /** What became of each email of the batch; nothing is written until the batch is done. */
  const deliver = async (batch: readonly DueEmail[]): Promise<EmailOutcome[]> => {
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
      return batch.map((email) => retry(email, `contacts: ${message}`));
    }
    const outcomes: EmailOutcome[] = [];
    const sendable: Sendable[] = [];
    for (const email of batch) {
      const rendered = renderDueEmail(email, { users, vendors });
      if (rendered.ok) {
        sendable.push({ email, to: rendered.to, rendered: rendered.email });
        continue;
      }
      log.error({ emailId: email.id, template: email.template, orderId: email.orderId, correlationId: email.correlationId, reason: rendered.reason }, 'email cannot be sent; marked failed');
      events.failed(email.template);
      outcomes.push({ id: email.id, status: 'FAILED', error: rendered.reason });
    }
    return [...outcomes, ...(await send(sendable))];
  };

  const runBatch = async (): Promise<number> => {
    const batch = await emails.claimDue(settings.batchSize, leaseMs);
    if (batch.length === 0) return 0;
    // One write for the whole batch. A crash before it sends the batch's accepted emails again
    // once the lease runs out (same Message-IDs); so does a failure of the write itself.
    await emails.recordOutcomes(await deliver(batch));
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
