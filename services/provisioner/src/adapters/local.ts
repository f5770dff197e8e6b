import { type Database, eq, localDirectory, statement } from "@signup/db";
import type { IdpAdapter } from "./adapter.ts";

// internal_id is a uuid column: any other text cannot be ours, and would make Postgres throw.
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const createEntry = statement(["externalId", "email", "username", "displayName"], (v, db) =>
  db
    .insert(localDirectory)
    .values({ externalId: v.externalId, email: v.email, username: v.username, displayName: v.displayName })
    .onConflictDoNothing({ target: localDirectory.externalId })
    .returning({ internalId: localDirectory.internalId })
    .getSQL(),
);
const findEntry = statement(["externalId"], (v, db) =>
  db.select({ internalId: localDirectory.internalId }).from(localDirectory).where(eq(localDirectory.externalId, v.externalId)).getSQL(),
);

/**
 * The development IdP: a directory table of our own that assigns ids the way a vendor would. It
 * keeps no custom fields; they are on the user row already.
 */
export function localAdapter(db: Database): IdpAdapter {
  return {
    name: "local",
    async provision(user) {
      const values = { externalId: user.externalId, email: user.email, username: user.username, displayName: user.displayName };
      const [created] = await createEntry(db, values);
      if (created) return { internalId: created.internal_id as string, adopted: false };
      const [existing] = await findEntry(db, { externalId: user.externalId });
      if (!existing) throw new Error(`local directory lost ${user.externalId}`);
      return { internalId: existing.internal_id as string, adopted: true };
    },
    async deprovision({ internalId }) {
      if (!uuidPattern.test(internalId)) return { outcome: "not_found" };
      const deleted = await db.delete(localDirectory).where(eq(localDirectory.internalId, internalId)).returning({ internalId: localDirectory.internalId });
      return { outcome: deleted.length > 0 ? "deleted" : "not_found" };
    },
  };
}
