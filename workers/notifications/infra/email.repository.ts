import type { SqlClient } from '../../../platform/messaging/sql.ts';
import type { EmailTemplate, OwedEmail, RecipientKind } from '../domain/email.ts';
import type { NotificationsDatabase } from './prisma.ts';

/** A claimed email as the sender sees it; `data` is checked against its template's contract when rendered. */
export interface DueEmail {
  id: string;
  sourceMessageId: string;
  correlationId: string;
  orderId: string;
  recipientKind: RecipientKind;
  recipientId: string;
  template: EmailTemplate;
  data: unknown;
  /** Attempts including the one this claim starts. */
  attempts: number;
}

/** Where an owed email came from: the message that owed it. */
export interface EmailSource {
  messageId: string;
  type: string;
  correlationId: string;
}

/** What became of one claimed email; the batch's outcomes are written together. */
export type EmailOutcome =
  | { id: string; status: 'SENT'; toAddress: string }
  /** Given up for good (unknown recipient, address refused): never claimed again. */
  | { id: string; status: 'FAILED'; error: string }
  /** Back to waiting: claimable again after `retryInMs`. */
  | { id: string; status: 'PENDING'; retryInMs: number; error: string };

export interface EmailRepository {
  /**
   * Records what one message owes, in the consumer's transaction and in one statement; an email
   * the same message already owed (redelivery) is left as it is. With `unlessOrderCancelled`,
   * nothing is recorded when that order's cancellation already is (a late confirmation is
   * stale), checked by the same statement.
   */
  insertOwed(tx: SqlClient, source: EmailSource, emails: readonly OwedEmail[], options?: { unlessOrderCancelled?: string }): Promise<{ inserted: number; orderCancelled: boolean }>;
  /**
   * Claims up to `limit` pending emails whose time has come and pushes their next attempt
   * `leaseMs` ahead (several senders never take the same row; a sender that dies mid-batch
   * leaves its rows to be claimed again when the lease runs out).
   */
  claimDue(limit: number, leaseMs: number): Promise<DueEmail[]>;
  /** Writes a batch's outcomes in one statement; rows no longer PENDING are left alone. */
  recordOutcomes(outcomes: readonly EmailOutcome[]): Promise<void>;
}

interface ClaimedRow {
  id: string;
  source_message_id: string;
  correlation_id: string;
  order_id: string;
  recipient_kind: RecipientKind;
  recipient_id: string;
  template: EmailTemplate;
  data: unknown;
  attempts: number;
}

/** Errors end up in a column an operator reads: bounded, one line. */
const errorText = (error: string) => error.replace(/\s+/g, ' ').slice(0, 500);

export function createEmailRepository(db: NotificationsDatabase): EmailRepository {
  return {
    async insertOwed(tx, source, emails, options = {}) {
      // One row per email, as parallel arrays; a confirmation's emails share its payload, serialised once.
      const serialised = new Map<unknown, string>();
      const json = (data: unknown) => {
        const known = serialised.get(data);
        if (known !== undefined) return known;
        const text = JSON.stringify(data);
        serialised.set(data, text);
        return text;
      };
      const [result] = await tx.$queryRaw<{ inserted: number; orderCancelled: boolean }[]>`
        WITH cancelled AS (
          SELECT EXISTS (SELECT 1 FROM email WHERE order_id = ${options.unlessOrderCancelled ?? null}::uuid AND template = 'ORDER_CANCELLED') AS found
        ), inserted AS (
          INSERT INTO email (id, source_message_id, source_type, correlation_id, order_id, recipient_kind, recipient_id, template, data)
          SELECT gen_random_uuid(), ${source.messageId}::uuid, ${source.type}, ${source.correlationId}, owed.order_id,
                 owed.recipient_kind::email_recipient_kind, owed.recipient_id, owed.template, owed.data::jsonb
          FROM unnest(${emails.map((email) => email.orderId)}::uuid[], ${emails.map((email) => email.recipientKind)}::text[],
                      ${emails.map((email) => email.recipientId)}::uuid[], ${emails.map((email) => email.template)}::text[],
                      ${emails.map((email) => json(email.data))}::text[]) AS owed(order_id, recipient_kind, recipient_id, template, data)
          WHERE NOT (SELECT found FROM cancelled)
          ON CONFLICT (source_message_id, recipient_kind, recipient_id) DO NOTHING
          RETURNING 1)
        SELECT (SELECT count(*)::int FROM inserted) AS inserted, (SELECT found FROM cancelled) AS "orderCancelled"`;
      return result ?? { inserted: 0, orderCancelled: false };
    },
    async claimDue(limit, leaseMs) {
      const rows = await db.$queryRaw<ClaimedRow[]>`
        UPDATE email SET attempts = attempts + 1, next_attempt_at = now() + ${leaseMs}::double precision * interval '1 millisecond'
        WHERE id IN (
          SELECT id FROM email
          WHERE status = 'PENDING' AND next_attempt_at <= now()
          ORDER BY next_attempt_at
          LIMIT ${limit}
          FOR UPDATE SKIP LOCKED)
        RETURNING id, source_message_id, correlation_id, order_id, recipient_kind, recipient_id, template, data, attempts`;
      return rows.map((row) => ({
        id: row.id,
        sourceMessageId: row.source_message_id,
        correlationId: row.correlation_id,
        orderId: row.order_id,
        recipientKind: row.recipient_kind,
        recipientId: row.recipient_id,
        template: row.template,
        data: row.data,
        attempts: row.attempts,
      }));
    },
    async recordOutcomes(outcomes) {
      if (outcomes.length === 0) return;
      // PENDING rows never have sent_at or to_address, so the other outcomes may set them NULL.
      await db.$executeRaw`
        UPDATE email SET
          status = outcome.status::email_status,
          sent_at = CASE WHEN outcome.status = 'SENT' THEN now() END,
          to_address = outcome.to_address,
          last_error = outcome.error,
          next_attempt_at = COALESCE(now() + outcome.retry_in_ms * interval '1 millisecond', email.next_attempt_at)
        FROM unnest(${outcomes.map((outcome) => outcome.id)}::uuid[], ${outcomes.map((outcome) => outcome.status)}::text[],
                    ${outcomes.map((outcome) => (outcome.status === 'SENT' ? outcome.toAddress : null))}::text[],
                    ${outcomes.map((outcome) => (outcome.status === 'SENT' ? null : errorText(outcome.error)))}::text[],
                    ${outcomes.map((outcome) => (outcome.status === 'PENDING' ? outcome.retryInMs : null))}::double precision[])
             AS outcome(id, status, to_address, error, retry_in_ms)
        WHERE email.id = outcome.id AND email.status = 'PENDING'`;
    },
  };
}
