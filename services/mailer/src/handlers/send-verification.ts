import { eq, signUps, users } from "@signup/db";
import type { AnyEvent, EventOf } from "@signup/contracts";
import type { HandlerResult } from "@signup/queue";
import { generateCode, generateToken, hashCode, hashToken } from "@signup/tokens";
import type { MailerDeps } from "../mail-deps.ts";
import { mailerStore } from "../store.ts";
import { alreadySent, sendOnce } from "./send-once.ts";

const humanDuration = (ms: number) => {
  const hours = Math.round(ms / 3_600_000);
  if (hours >= 1) return hours === 1 ? "1 hour" : `${hours} hours`;
  const minutes = Math.max(1, Math.round(ms / 60_000));
  return minutes === 1 ? "1 minute" : `${minutes} minutes`;
};

/** Whom a verification mail is for: an account, a sign-up, or a sign-up continuing an account. */
export type Recipient = { email: string; userId: string | null; signUpId: string | null; expiresAt: Date | null };

/**
 * Issues a fresh token (only its hash is stored; the raw value lives in the mail alone) and sends
 * the link and code. A sign-up's code is hashed with the sign-up id, an account's with the user id.
 */
export async function issueAndSend(
  event: AnyEvent,
  deps: MailerDeps,
  to: Recipient,
  template: "verification" | "reminder" = "verification",
): Promise<HandlerResult> {
  const { db, settings } = deps;
  const token = generateToken();
  const code = generateCode();
  const expiresAt = to.expiresAt ?? new Date(Date.now() + settings.tokenTtlMs);
  await mailerStore(db).insertToken({
    userId: to.userId,
    signUpId: to.signUpId,
    tokenHash: hashToken(token),
    codeHash: hashCode(to.signUpId ?? to.userId!, code),
    expiresAt,
    eventId: event.id,
  });
  const link = `${settings.publicUrl.replace(/\/$/, "")}/account/verify/${token}`;
  return sendOnce(event, deps, {
    to: to.email,
    template,
    vars: { email: to.email, link, code, expiresIn: humanDuration(Math.max(60_000, expiresAt.getTime() - Date.now())) },
    audit: {
      action: template === "reminder" ? "sign_up.reminder_sent" : "verification.sent",
      userId: to.userId,
      data: { trigger: event.type, ...(to.signUpId ? { signUpId: to.signUpId } : {}) },
    },
  });
}

/** The events that ask for a verification mail to an account (the legacy resend, a repeated sign-up). */
type AsksForVerification = EventOf<"UserRegistered" | "VerificationRequested" | "SignUpAttemptExisting">;

/** Skipped for an address that is already verified. */
export async function sendVerification(event: AsksForVerification, deps: MailerDeps): Promise<HandlerResult> {
  if (await alreadySent(deps.db, event.id)) return { outcome: "skipped", reason: "already_sent" };
  const [user] = await deps.db.select().from(users).where(eq(users.id, event.data.userId));
  if (!user) return { outcome: "skipped", reason: "user_not_found" };
  if (user.status !== "pending") return { outcome: "skipped", reason: "already_verified" };
  const signUpId = "signUpId" in event.data ? (event.data.signUpId ?? null) : null;
  const [signUp] = signUpId ? await deps.db.select({ expireAt: signUps.emailExpireAt }).from(signUps).where(eq(signUps.id, signUpId)) : [];
  return issueAndSend(event, deps, { email: user.email, userId: user.id, signUpId: signUp ? signUpId : null, expiresAt: signUp?.expireAt ?? null });
}

/** A sign-up asked to verify a new address (EmailVerificationPrepared). */
export async function sendSignUpVerification(event: EventOf<"EmailVerificationPrepared">, deps: MailerDeps): Promise<HandlerResult> {
  if (await alreadySent(deps.db, event.id)) return { outcome: "skipped", reason: "already_sent" };
  const signUp = await mailerStore(deps.db).signUp(event.data.signUpId);
  if (!signUp?.emailAddress) return { outcome: "skipped", reason: "sign_up_not_found" };
  if (signUp.status !== "missing_requirements" || signUp.emailVerifiedAt) return { outcome: "skipped", reason: "already_verified" };
  return issueAndSend(event, deps, {
    email: signUp.emailAddress,
    userId: signUp.ownsUser ? signUp.userId : null,
    signUpId: signUp.id,
    expiresAt: signUp.emailExpireAt,
  });
}
