-- The retention job (platform/messaging/retention.ts) deletes handled inbox rows by age: this
-- index keeps its DELETEs from scanning the table.
CREATE INDEX "inbox_message_handled_at_idx" ON "inbox_message" ("handled_at");
