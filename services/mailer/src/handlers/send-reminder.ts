import { eq, signUps } from "@signup/db";
import type { EventOf } from "@signup/contracts";
import type { HandlerResult } from "@signup/queue";
import type { MailerDeps } from "../mail-deps.ts";
import { alreadySent } from "./send-once.ts";
import { issueAndSend } from "./send-verification.ts";

/**
 * The one reminder of a sign-up left unfinished (SignUpStalled). It carries a fresh link and code,
 * because proving the address is what most unfinished sign-ups lack, and the link completes the
 * sign-up from the mail alone when nothing else is missing. A sign-up for an address that has an
 * account (taken, or someone else's pending one) gets nothing: that owner never asked for it.
 */
export async function sendReminder(event: EventOf<"SignUpStalled">, deps: MailerDeps): Promise<HandlerResult> {
  if (await alreadySent(deps.db, event.id)) return { outcome: "skipped", reason: "already_sent" };
  const [signUp] = await deps.db.select().from(signUps).where(eq(signUps.id, event.data.signUpId));
  if (!signUp?.emailAddress || signUp.status !== "missing_requirements") return { outcome: "skipped", reason: "not_open" };
  if (signUp.emailTaken || (signUp.userId && !signUp.ownsUser)) return { outcome: "skipped", reason: "address_has_an_account" };
  if (signUp.emailVerifiedAt) return { outcome: "skipped", reason: "address_verified" };
  return issueAndSend(
    event,
    deps,
    { email: signUp.emailAddress, userId: signUp.ownsUser ? signUp.userId : null, signUpId: signUp.id, expiresAt: null },
    "reminder",
  );
}
