-- The retention job (platform/messaging/retention.ts) deletes published outbox rows and handled
-- inbox rows by age: these indexes keep its DELETEs from scanning the tables.
CREATE INDEX "outbox_message_published_at_idx" ON "outbox_message" ("published_at") WHERE "published_at" IS NOT NULL;
CREATE INDEX "inbox_message_handled_at_idx" ON "inbox_message" ("handled_at");
