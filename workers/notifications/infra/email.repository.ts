import { gatheredPerTransaction } from '../../../platform/messaging/gathered.ts';
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
   * Records what one message owes, in the consumer's transaction, in one statement with what the
   * other messages of its batch owe; an email the same message already owed (redelivery) is left
   * as it is. With `unlessOrderCancelled`, nothing is recorded when that order's cancellation
   * already is (a late confirmation is stale), checked by the same statement.
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
  /**
   * Deletes up to `limit` settled (SENT or FAILED) emails created before `before`, oldest first,
   * and returns how many; PENDING rows are still owed and stay, however old.
   */
  deleteSettledBefore(before: Date, limit: number): PromiseLike<number>;
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

/** One message's owed emails, as insertOwed was asked. */
interface OwedBySource {
  source: EmailSource;
  emails: readonly OwedEmail[];
  unlessOrderCancelled: string | null;
}

export function createEmailRepository(db: NotificationsDatabase): EmailRepository {
  /**
   * What the messages of one inbox batch owe (their handlers ask in one tick), in one statement: one
   * row per email, as parallel arrays, each pointing at its message. A confirmation finds its
   * order's cancellation whether it was recorded before or by a message ahead of it in the batch,
   * as it would if each message had its own statement. A confirmation's emails share its payload,
   * serialised once.
   */
  const insertWithOthers = gatheredPerTransaction(async (tx, asked: readonly OwedBySource[]) => {
    const serialised = new Map<unknown, string>();
    const json = (data: unknown) => {
      const known = serialised.get(data);
      if (known !== undefined) return known;
      const text = JSON.stringify(data);
      serialised.set(data, text);
      return text;
    };
    const owed = asked.flatMap((item, index) => item.emails.map((email) => ({ index, email })));
    const rows = await tx.$queryRaw<{ slot: number; inserted: number; orderCancelled: boolean }[]>`
      WITH source AS (
        SELECT * FROM unnest(${asked.map((_, index) => index)}::int[], ${asked.map((item) => item.source.messageId)}::uuid[], ${asked.map((item) => item.source.type)}::text[],
                             ${asked.map((item) => item.source.correlationId)}::text[], ${asked.map((item) => item.unlessOrderCancelled)}::uuid[])
          AS s(slot, message_id, type, correlation_id, unless_order_cancelled)
      ), owed AS (
        SELECT * FROM unnest(${owed.map((item) => item.index)}::int[], ${owed.map((item) => item.email.orderId)}::uuid[], ${owed.map((item) => item.email.recipientKind)}::text[],
                             ${owed.map((item) => item.email.recipientId)}::uuid[], ${owed.map((item) => item.email.template)}::text[], ${owed.map((item) => json(item.email.data))}::text[])
          AS o(source, order_id, recipient_kind, recipient_id, template, data)
      ), checked AS (
        SELECT s.*, s.unless_order_cancelled IS NOT NULL AND (
                 EXISTS (SELECT 1 FROM email e WHERE e.order_id = s.unless_order_cancelled AND e.template = 'ORDER_CANCELLED')
              OR EXISTS (SELECT 1 FROM owed o WHERE o.source < s.slot AND o.order_id = s.unless_order_cancelled AND o.template = 'ORDER_CANCELLED')) AS cancelled
        FROM source s
      ), inserted AS (
        INSERT INTO email (id, source_message_id, source_type, correlation_id, order_id, recipient_kind, recipient_id, template, data)
        SELECT gen_random_uuid(), c.message_id, c.type, c.correlation_id, o.order_id, o.recipient_kind::email_recipient_kind, o.recipient_id, o.template, o.data::jsonb
        FROM owed o JOIN checked c ON c.slot = o.source
        WHERE NOT c.cancelled
        ON CONFLICT (source_message_id, recipient_kind, recipient_id) DO NOTHING
        RETURNING source_message_id)
      SELECT c.slot, (SELECT count(*)::int FROM inserted i WHERE i.source_message_id = c.message_id) AS inserted, c.cancelled AS "orderCancelled"
      FROM checked c`;
    const bySlot = new Map(rows.map((row) => [row.slot, { inserted: row.inserted, orderCancelled: row.orderCancelled }]));
    return asked.map((_, index) => bySlot.get(index) ?? { inserted: 0, orderCancelled: false });
  });

  return {
    insertOwed: (tx, source, emails, options = {}) => insertWithOthers(tx, { source, emails, unlessOrderCancelled: options.unlessOrderCancelled ?? null }),
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
    deleteSettledBefore: (before, limit) => db.$executeRaw`
      DELETE FROM email WHERE id IN (
        SELECT id FROM email
        WHERE status <> 'PENDING' AND created_at < ${before}
        ORDER BY created_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)`,
  };
}
