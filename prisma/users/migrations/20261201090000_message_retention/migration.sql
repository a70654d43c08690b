-- The retention job (platform/messaging/retention.ts) deletes published outbox rows by age: this
-- index keeps its DELETEs from scanning the table.
CREATE INDEX "outbox_message_published_at_idx" ON "outbox_message" ("published_at") WHERE "published_at" IS NOT NULL;
