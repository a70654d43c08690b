-- The retention job deletes settled emails by age (EMAIL_RETENTION_HOURS): this index keeps its
-- DELETEs from scanning the table.
-- CreateIndex
CREATE INDEX "email_created_at_idx" ON "email"("created_at");
