-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "email_recipient_kind" AS ENUM ('CUSTOMER', 'VENDOR');

-- CreateEnum
CREATE TYPE "email_status" AS ENUM ('PENDING', 'SENT', 'FAILED');

-- CreateTable
CREATE TABLE "inbox_message" (
    "consumer" TEXT NOT NULL,
    "message_id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "handled_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "inbox_message_pkey" PRIMARY KEY ("consumer","message_id")
);

-- CreateTable
CREATE TABLE "email" (
    "id" UUID NOT NULL,
    "source_message_id" UUID NOT NULL,
    "source_type" TEXT NOT NULL,
    "correlation_id" TEXT NOT NULL,
    "order_id" UUID NOT NULL,
    "recipient_kind" "email_recipient_kind" NOT NULL,
    "recipient_id" UUID NOT NULL,
    "template" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "status" "email_status" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_error" TEXT,
    "to_address" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(3),

    CONSTRAINT "email_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "email_order_id_idx" ON "email"("order_id");

-- CreateIndex
CREATE UNIQUE INDEX "email_source_message_id_recipient_kind_recipient_id_key" ON "email"("source_message_id", "recipient_kind", "recipient_id");

-- What the sender claims from: only rows still owed, oldest due first. Sent rows (the bulk, over
-- time) stay out of this index.
CREATE INDEX "email_pending_due_idx" ON "email"("next_attempt_at") WHERE "status" = 'PENDING';
