import { appendAudit, auditedChange, type Database, isProcessed, processedEvents } from "@signup/db";
import type { EventOf } from "@signup/contracts";
import type { HandlerResult } from "@signup/queue";
import type { IdpAdapter } from "../adapters/adapter.ts";

type Event = EventOf<"SignUpAbandoned">;
export type DeprovisionDeps = { db: Database; adapter: Pick<IdpAdapter, "name" | "deprovision"> };

/** Inbox consumer name: separate from anything provisioning records, so the two never collide. */
export const DEPROVISION_CONSUMER = "provisioner-deprovision";

/**
 * Removes an abandoned sign-up's user from the IdP. The users row is already gone, so everything
 * needed travels in the event. The inbox is checked first, so a job that runs again after success
 * makes no second call at the IdP. The call cannot join a transaction, so the inbox row is written
 * after it: a crash in between repeats the DELETE, which then answers 404 — recorded as not_found,
 * since the user is gone either way.
 */
export async function deprovisionUser(event: Event, { db, adapter }: DeprovisionDeps): Promise<HandlerResult> {
  const { signUpId, userId, idp, idpInternalId } = event.data;
  // The sweep sets idpInternalId only from a removed users row, so userId is there with it.
  if (!idpInternalId || !userId) return { outcome: "skipped", reason: "not_provisioned" };
  // Another IdP's id means nothing here (IDP was changed since): that account needs removing by hand.
  if (idp !== adapter.name) return { outcome: "skipped", reason: "provisioned_at_another_idp", idp, runningIdp: adapter.name };
  if (await isProcessed(db, DEPROVISION_CONSUMER, event.id)) return { outcome: "skipped", reason: "already_processed" };

  const { outcome } = await adapter.deprovision({ internalId: idpInternalId, externalId: userId });

  // The inbox row and the audit entry in one statement, once, whoever records first.
  await auditedChange(
    db,
    db
      .insert(processedEvents)
      .values({ consumer: DEPROVISION_CONSUMER, eventId: event.id })
      .onConflictDoNothing()
      .returning({ eventId: processedEvents.eventId }),
    {
      actor: "provisioner",
      action: "user.deprovisioned",
      userId,
      correlationId: event.correlationId,
      eventId: event.id,
      data: { idp: adapter.name, internalId: idpInternalId, outcome, signUpId },
    },
  );
  return { outcome: "done", idpOutcome: outcome };
}

/**
 * A dead letter (e.g. 403, or the legacy Beyond Identity API that cannot delete): the IdP still
 * has the user, and the audit log says so and why. No inbox row, so a redrive tries again.
 */
export async function recordDeprovisionFailed(event: Event, error: Error, { db, adapter }: DeprovisionDeps): Promise<void> {
  await appendAudit(db, {
    actor: "provisioner",
    action: "user.deprovision_failed",
    userId: event.data.userId,
    correlationId: event.correlationId,
    eventId: event.id,
    data: { idp: adapter.name, internalId: event.data.idpInternalId, signUpId: event.data.signUpId, error: error.message.slice(0, 1_000) },
  });
}
