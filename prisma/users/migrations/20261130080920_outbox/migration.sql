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

-- The relay's claim query only ever looks at unpublished rows, oldest first: keep that index
-- small however long published rows are kept.
CREATE INDEX "outbox_message_unpublished_idx" ON "outbox_message" ("occurred_at", "id") WHERE "published_at" IS NULL;
