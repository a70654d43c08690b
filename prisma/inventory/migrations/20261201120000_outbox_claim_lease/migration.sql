-- The outbox relay claims rows with a lease instead of holding them locked in a transaction
-- while the broker confirms (platform/messaging/outbox.ts): a claimed row is skipped by other
-- relays until its lease runs out, so a relay that dies mid-publish leaves it to the next one.
ALTER TABLE "outbox_message" ADD COLUMN "claimed_until" TIMESTAMPTZ(3);
