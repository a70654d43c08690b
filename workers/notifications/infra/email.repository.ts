import { randomUUID } from 'node:crypto';
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

export interface EmailRepository {
  /**
   * Records what one message owes, in the consumer's transaction; an email the same message
   * already owed (redelivery) is left as it is. Returns how many rows were new.
   */
  insertOwed(tx: SqlClient, source: EmailSource, emails: readonly OwedEmail[]): Promise<number>;
  /** True when a cancellation of this order has been recorded (a late confirmation is stale then). */
  orderCancelled(tx: SqlClient, orderId: string): Promise<boolean>;
  /**
   * Claims up to `limit` pending emails whose time has come and pushes their next attempt
   * `leaseMs` ahead (several senders never take the same row; a sender that dies mid-batch
   * leaves its rows to be claimed again when the lease runs out).
   */
  claimDue(limit: number, leaseMs: number): Promise<DueEmail[]>;
  markSent(id: string, toAddress: string): Promise<void>;
  /** Given up for good (unknown recipient, address refused): never claimed again. */
  markFailed(id: string, error: string): Promise<void>;
  /** Back to waiting: tried again after `delayMs`. */
  retryLater(id: string, delayMs: number, error: string): Promise<void>;
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
    async insertOwed(tx, source, emails) {
      let inserted = 0;
      for (const email of emails) {
        inserted += await tx.$executeRaw`
          INSERT INTO email (id, source_message_id, source_type, correlation_id, order_id, recipient_kind, recipient_id, template, data)
          VALUES (${randomUUID()}::uuid, ${source.messageId}::uuid, ${source.type}, ${source.correlationId}, ${email.orderId}::uuid,
                  ${email.recipientKind}::email_recipient_kind, ${email.recipientId}::uuid, ${email.template}, ${JSON.stringify(email.data)}::jsonb)
          ON CONFLICT (source_message_id, recipient_kind, recipient_id) DO NOTHING`;
      }
      return inserted;
    },
    async orderCancelled(tx, orderId) {
      const rows = await tx.$queryRaw<{ found: number }[]>`
        SELECT 1 AS found FROM email WHERE order_id = ${orderId}::uuid AND template = 'ORDER_CANCELLED' LIMIT 1`;
      return rows.length > 0;
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
    async markSent(id, toAddress) {
      await db.$executeRaw`UPDATE email SET status = 'SENT', sent_at = now(), to_address = ${toAddress}, last_error = NULL WHERE id = ${id}::uuid`;
    },
    async markFailed(id, error) {
      await db.$executeRaw`UPDATE email SET status = 'FAILED', last_error = ${errorText(error)} WHERE id = ${id}::uuid`;
    },
    async retryLater(id, delayMs, error) {
      await db.$executeRaw`
        UPDATE email SET next_attempt_at = now() + ${delayMs}::double precision * interval '1 millisecond', last_error = ${errorText(error)}
        WHERE id = ${id}::uuid AND status = 'PENDING'`;
    },
  };
}
