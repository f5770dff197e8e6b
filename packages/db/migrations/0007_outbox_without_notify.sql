-- Relays poll instead of waiting for NOTIFY. A transaction that notifies takes PostgreSQL's one
-- database-wide notify lock at commit and holds it through its WAL flush, so every sign-up's commit
-- queued behind every other writer of an event, and each notification woke the relay's backend
-- (figures in docs/decisions.md).
DROP TRIGGER IF EXISTS outbox_notify ON outbox;
--> statement-breakpoint
DROP FUNCTION IF EXISTS outbox_notify();
