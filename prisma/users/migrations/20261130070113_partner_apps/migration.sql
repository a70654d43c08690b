-- CreateEnum
CREATE TYPE "PartnerAppStatus" AS ENUM ('ACTIVE', 'DISABLED');

-- CreateTable
CREATE TABLE "partner_apps" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "status" "PartnerAppStatus" NOT NULL DEFAULT 'ACTIVE',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "partner_apps_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "partner_api_keys" (
    "id" UUID NOT NULL,
    "app_id" UUID NOT NULL,
    "hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "last4" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "not_after" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "partner_api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "partner_manifests" (
    "app_id" UUID NOT NULL,
    "operations" JSONB NOT NULL,
    "version" INTEGER NOT NULL,
    "published_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "partner_manifests_pkey" PRIMARY KEY ("app_id")
);

-- CreateIndex
CREATE INDEX "partner_apps_created_at_id_idx" ON "partner_apps"("created_at", "id");

-- CreateIndex
CREATE UNIQUE INDEX "partner_api_keys_hash_key" ON "partner_api_keys"("hash");

-- CreateIndex
CREATE INDEX "partner_api_keys_app_id_created_at_idx" ON "partner_api_keys"("app_id", "created_at");

-- AddForeignKey
ALTER TABLE "partner_api_keys" ADD CONSTRAINT "partner_api_keys_app_id_fkey" FOREIGN KEY ("app_id") REFERENCES "partner_apps"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "partner_manifests" ADD CONSTRAINT "partner_manifests_app_id_fkey" FOREIGN KEY ("app_id") REFERENCES "partner_apps"("id") ON DELETE CASCADE ON UPDATE CASCADE;
