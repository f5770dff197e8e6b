import { and, auditedChange, auditedStatement, type Database, eq, ne, rowFrom, sql, statement, users } from "@signup/db";
import type { EventOf } from "@signup/contracts";
import type { HandlerResult } from "@signup/queue";
import type { IdpAdapter } from "../adapters/adapter.ts";

type Event = EventOf<"UserRegistered">;
export type ProvisionDeps = { db: Database; adapter: IdpAdapter };

const displayName = (user: typeof users.$inferSelect) => [user.firstName, user.lastName].filter(Boolean).join(" ") || user.username || user.email;

const findUser = statement(["userId"], (v, db) => db.select().from(users).where(eq(users.id, v.userId)).getSQL());

// The status guard makes the audit entry happen once even if two workers raced to here.
const recordProvisioned = auditedStatement(["userId", "idp", "internalId", "correlationId", "eventId", "data"], (v, db) => ({
  change: db
    .update(users)
    .set({ idp: sql`${v.idp}`, idpInternalId: sql`${v.internalId}`, idpStatus: "provisioned", idpError: null, updatedAt: sql`now()` })
    .where(and(eq(users.id, v.userId), ne(users.idpStatus, "provisioned")))
    .returning({ id: users.id }),
  entry: { actor: "provisioner", action: "user.provisioned", userId: v.userId, correlationId: v.correlationId, eventId: v.eventId, data: v.data },
}));

/** Creates (or adopts) the user at the IdP and records its id; a replay after success is skipped. */
export async function provisionUser(event: Event, { db, adapter }: ProvisionDeps): Promise<HandlerResult> {
  const [raw] = await findUser(db, { userId: event.data.userId });
  if (!raw) return { outcome: "skipped", reason: "user_not_found" };
  const user = rowFrom(users, raw);
  if (user.idpStatus === "provisioned" && user.idpInternalId) return { outcome: "skipped", reason: "already_provisioned" };

  const result = await adapter.provision({
    externalId: user.id,
    email: user.email,
    username: user.username,
    firstName: user.firstName,
    lastName: user.lastName,
    displayName: displayName(user),
    metadata: user.metadata ?? {},
  });

  const recorded = await recordProvisioned(db, {
    userId: user.id,
    idp: adapter.name,
    internalId: result.internalId,
    correlationId: event.correlationId,
    eventId: event.id,
    data: { idp: adapter.name, internalId: result.internalId, adopted: result.adopted },
  });
  return recorded ? { outcome: "done", internalId: result.internalId } : { outcome: "skipped", reason: "already_provisioned" };
}

/** A dead letter: the user's IdP status says failed and why, for the admin view. */
export async function markProvisioningFailed(event: Event, error: Error, { db, adapter }: ProvisionDeps): Promise<void> {
  const reason = error.message.slice(0, 1_000);
  await auditedChange(
    db,
    db
      .update(users)
      .set({ idp: adapter.name, idpStatus: "failed", idpError: reason, updatedAt: sql`now()` })
      .where(and(eq(users.id, event.data.userId), ne(users.idpStatus, "provisioned")))
      .returning({ id: users.id }),
    {
      actor: "provisioner",
      action: "user.provisioning_failed",
      userId: event.data.userId,
      correlationId: event.correlationId,
      eventId: event.id,
      data: { idp: adapter.name, error: reason },
    },
  );
}
