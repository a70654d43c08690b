-- AlterEnum
ALTER TYPE "ReservationStatus" ADD VALUE 'RETURNED';

-- AlterEnum
ALTER TYPE "StockMovementKind" ADD VALUE 'RETURNED';

-- CreateTable
CREATE TABLE "stock_alerts" (
    "variant_id" UUID NOT NULL,
    "threshold" INTEGER,
    "low" BOOLEAN NOT NULL DEFAULT false,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stock_alerts_pkey" PRIMARY KEY ("variant_id")
);

-- CreateTable
CREATE TABLE "outbox_message" (
    "id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "payload" JSONB NOT NULL,
    "correlation_id" TEXT NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "published_at" TIMESTAMPTZ(3),

    CONSTRAINT "outbox_message_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "inbox_message" (
    "consumer" TEXT NOT NULL,
    "message_id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "handled_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "inbox_message_pkey" PRIMARY KEY ("consumer","message_id")
);

-- The relay's claim query only ever looks at unpublished rows, oldest first: keep that index
-- small however long published rows are kept.
CREATE INDEX "outbox_message_unpublished_idx" ON "outbox_message" ("occurred_at", "id") WHERE "published_at" IS NULL;

-- The retention job (platform/messaging/retention.ts) deletes the oldest published rows, handled
-- inbox rows and stored idempotency outcomes in small batches: each by its age.
CREATE INDEX "outbox_message_published_at_idx" ON "outbox_message" ("published_at") WHERE "published_at" IS NOT NULL;
CREATE INDEX "inbox_message_handled_at_idx" ON "inbox_message" ("handled_at");
CREATE INDEX "stock_requests_created_at_idx" ON "stock_requests" ("created_at");

ALTER TABLE "stock_alerts" ADD CONSTRAINT "stock_alerts_threshold_non_negative" CHECK ("threshold" IS NULL OR "threshold" >= 0);
