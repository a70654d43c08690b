import { createLogger, type Logger } from '../../../platform/logging/logger.ts';
import type { SqlClient } from '../../../platform/messaging/sql.ts';
import { testDatabaseUrl } from '../../../test/support/test-env.ts';
import type { OwedEmail } from '../domain/email.ts';
import type { ContactDirectory, UserContact, VendorContact } from '../infra/contacts.client.ts';
import { createEmailRepository, type EmailRepository } from '../infra/email.repository.ts';
import { createNotificationsDatabase, type NotificationsDatabase } from '../infra/prisma.ts';

/** An email row as a spec reads it back from Postgres. */
export interface StoredEmail {
  id: string;
  sourceMessageId: string;
  recipientKind: string;
  recipientId: string;
  template: string;
  status: string;
  attempts: number;
  lastError: string | null;
  toAddress: string | null;
}

/** A contact directory the spec fills by hand; `down` makes every lookup fail as an unreachable users would. */
export interface FakeDirectory extends ContactDirectory {
  users: Map<string, UserContact>;
  vendors: Map<string, VendorContact>;
  down: boolean;
  lookups: number;
}

export function createFakeDirectory(): FakeDirectory {
  const directory: FakeDirectory = {
    users: new Map(),
    vendors: new Map(),
    down: false,
    lookups: 0,
    async lookup(request) {
      directory.lookups += 1;
      if (directory.down) throw new Error('users unavailable (fake)');
      return {
        users: request.userIds.flatMap((id) => directory.users.get(id) ?? []),
        vendors: request.vendorIds.flatMap((id) => directory.vendors.get(id) ?? []),
      };
    },
  };
  return directory;
}

/**
 * The notifications worker's repository over the test database, for the `*.spec.ts` files.
 * `reset()` empties its tables: the specs and the e2e file that share the database run one
 * file at a time. Production never imports this.
 */
export interface NotificationsHarness {
  db: NotificationsDatabase;
  emails: EmailRepository;
  logger: Logger;
  /** Records owed emails as the consumer would, in a transaction of their own. */
  owe(source: { messageId: string; type?: string; correlationId?: string }, emails: readonly OwedEmail[]): Promise<number>;
  /** In a transaction, as the inbox consumer runs handlers. */
  inTransaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T>;
  stored(where?: { orderId?: string }): Promise<StoredEmail[]>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

export function createNotificationsHarness(options: { scope: string }): NotificationsHarness {
  const logger = createLogger({ service: `notifications-${options.scope}`, level: 'silent', pretty: false });
  const db = createNotificationsDatabase(testDatabaseUrl('notifications'), 4);
  const emails = createEmailRepository(db);
  const inTransaction = <T>(work: (tx: SqlClient) => Promise<T>) => db.$transaction((tx) => work(tx));
  return {
    db,
    emails,
    logger,
    owe: async (source, owed) =>
      (await inTransaction((tx) => emails.insertOwed(tx, { messageId: source.messageId, type: source.type ?? 'order.confirmed', correlationId: source.correlationId ?? 'spec' }, owed))).inserted,
    inTransaction,
    async stored(where = {}) {
      // In the order they were written: rows of one millisecond by their writing transaction.
      const rows = await db.$queryRaw<StoredEmail[]>`
        SELECT id::text, source_message_id::text AS "sourceMessageId", recipient_kind::text AS "recipientKind", recipient_id::text AS "recipientId",
               template::text AS template, status::text AS status, attempts, last_error AS "lastError", to_address AS "toAddress"
        FROM email WHERE ${where.orderId ?? null}::uuid IS NULL OR order_id = ${where.orderId ?? null}::uuid
        ORDER BY created_at, xmin::text::bigint, id`;
      return rows;
    },
    async reset() {
      await db.$executeRaw`TRUNCATE email, inbox_message`;
    },
    close: () => db.$disconnect(),
  };
}
