/** The outbox and inbox tables as the services' Prisma migrations create them. */
export const MESSAGING_TABLES_SQL = `
  CREATE TABLE IF NOT EXISTS outbox_message (
    id uuid PRIMARY KEY,
    type text NOT NULL,
    version integer NOT NULL,
    payload jsonb NOT NULL,
    correlation_id text NOT NULL,
    occurred_at timestamptz(3) NOT NULL,
    published_at timestamptz(3),
    claimed_until timestamptz(3)
  );
  CREATE TABLE IF NOT EXISTS inbox_message (
    consumer text NOT NULL,
    message_id uuid NOT NULL,
    type text NOT NULL,
    handled_at timestamptz(3) NOT NULL,
    PRIMARY KEY (consumer, message_id)
  );`;
