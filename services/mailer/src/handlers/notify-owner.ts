import { eq, users } from "@signup/db";
import type { EventOf } from "@signup/contracts";
import type { HandlerResult } from "@signup/queue";
import type { MailerDeps } from "../mail-deps.ts";
import { alreadySent, sendOnce } from "./send-once.ts";
import { sendVerification } from "./send-verification.ts";

type Event = EventOf<"SignUpAttemptExisting">;

/**
 * A sign-up for a known address. If that account is still pending, the person most likely lost the
 * first mail, so they get a fresh verification mail; a verified owner is told someone tried.
 */
export async function notifyOwner(event: Event, deps: MailerDeps): Promise<HandlerResult> {
  if (await alreadySent(deps.db, event.id)) return { outcome: "skipped", reason: "already_sent" };
  const [user] = await deps.db.select().from(users).where(eq(users.id, event.data.userId));
  if (!user) return { outcome: "skipped", reason: "user_not_found" };
  if (user.status === "pending") return sendVerification(event, deps);
  return sendOnce(event, deps, {
    to: user.email,
    template: "owner-notice",
    vars: { email: user.email },
    audit: { action: "owner_notice.sent", userId: user.id },
  });
}
