import { eq } from "drizzle-orm";
import type { SignUpAttemptExisting } from "@signup/contracts";
import { appendAudit, claimEvent, users } from "@signup/db";
import type { HandlerResult } from "@signup/queue";
import type { MailerDeps } from "../mail-deps.ts";
import { renderMail } from "../templates.ts";
import { MAILER, alreadySent } from "./already-sent.ts";
import { sendVerification } from "./send-verification.ts";

type Event = ReturnType<typeof SignUpAttemptExisting.parse>;

/**
 * A sign-up for a known address. If that account is still pending, the person most likely lost the
 * first mail, so they get a fresh verification mail; a verified owner is told someone tried.
 */
export async function notifyOwner(event: Event, deps: MailerDeps): Promise<HandlerResult> {
  const { db, send, settings } = deps;
  if (await alreadySent(db, event.id)) return { outcome: "skipped", reason: "already_sent" };
  const [user] = await db.select().from(users).where(eq(users.id, event.data.userId));
  if (!user) return { outcome: "skipped", reason: "user_not_found" };
  if (user.status === "pending") return sendVerification(event, deps);

  const messageId = `<${event.id}.owner-notice@signup-pipeline>`;
  const mail = renderMail("owner-notice", { productName: settings.productName, email: user.email });
  await send({ to: user.email, messageId, ...mail });
  await db.transaction(async (tx) => {
    if (!(await claimEvent(tx, MAILER, event.id))) return;
    await appendAudit(tx, { actor: "mailer", action: "owner_notice.sent", userId: user.id, correlationId: event.correlationId, eventId: event.id, data: { messageId } });
  });
  return { outcome: "done" };
}
