-- AlterTable
ALTER TABLE "vendor_orders" ADD COLUMN     "delivered_at" TIMESTAMPTZ(3);
