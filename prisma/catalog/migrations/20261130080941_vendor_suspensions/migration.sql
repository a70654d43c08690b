-- CreateTable
CREATE TABLE "inbox_message" (
    "consumer" TEXT NOT NULL,
    "message_id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "handled_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "inbox_message_pkey" PRIMARY KEY ("consumer","message_id")
);

-- CreateTable
CREATE TABLE "vendor_suspensions" (
    "vendor_id" UUID NOT NULL,
    "suspended" BOOLEAN NOT NULL,
    "changed_at" TIMESTAMPTZ(3) NOT NULL,
    "message_id" UUID NOT NULL,

    CONSTRAINT "vendor_suspensions_pkey" PRIMARY KEY ("vendor_id")
);

-- Shopper reads filter on suspended stores only.
CREATE INDEX "vendor_suspensions_suspended_idx" ON "vendor_suspensions" ("vendor_id") WHERE "suspended";
