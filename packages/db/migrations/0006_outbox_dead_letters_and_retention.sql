-- Nullable columns without a default: a catalogue change only, however big the outbox is.
ALTER TABLE "outbox" ADD COLUMN "failed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "failed_reason" text;--> statement-breakpoint
-- Building this index blocks writes to the outbox (so sign-ups) while it scans the table, and the
-- migrator runs in a transaction, which rules out CONCURRENTLY. An outbox that has grown large
-- can get it beforehand without blocking, which this statement then leaves alone:
--   CREATE INDEX CONCURRENTLY "outbox_published_idx" ON "outbox" ("published_at") WHERE "published_at" is not null;
CREATE INDEX IF NOT EXISTS "outbox_published_idx" ON "outbox" USING btree ("published_at") WHERE "outbox"."published_at" is not null;
