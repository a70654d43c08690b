-- The retention job (platform/messaging/retention.ts, application/retention.ts) deletes published
-- outbox rows, handled inbox rows, stored idempotency keys and webhook event ids by age: these
-- indexes keep its DELETEs from scanning the tables.
CREATE INDEX "outbox_message_published_at_idx" ON "outbox_message" ("published_at") WHERE "published_at" IS NOT NULL;
CREATE INDEX "inbox_message_handled_at_idx" ON "inbox_message" ("handled_at");
CREATE INDEX "payment_requests_created_at_idx" ON "payment_requests" ("created_at");
CREATE INDEX "webhook_events_received_at_idx" ON "webhook_events" ("received_at");
