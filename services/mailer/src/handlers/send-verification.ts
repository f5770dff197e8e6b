import { eq, users, verificationTokens } from "@signup/db";
import type { EventOf } from "@signup/contracts";
import type { HandlerResult } from "@signup/queue";
import { generateCode, generateToken, hashCode, hashToken } from "@signup/tokens";
import type { MailerDeps } from "../mail-deps.ts";
import { alreadySent, sendOnce } from "./send-once.ts";

const humanDuration = (ms: number) => {
  const hours = Math.round(ms / 3_600_000);
  if (hours >= 1) return hours === 1 ? "1 hour" : `${hours} hours`;
  const minutes = Math.max(1, Math.round(ms / 60_000));
  return minutes === 1 ? "1 minute" : `${minutes} minutes`;
};

/**
 * Issues a fresh token (only its hash is stored; the raw value lives in the mail alone) and sends
 * the link and code. Skipped for an address that is already verified.
 */
/** The events that ask for a verification mail. */
type AsksForVerification = EventOf<"UserRegistered" | "VerificationRequested" | "SignUpAttemptExisting">;

export async function sendVerification(event: AsksForVerification, { db, send, settings }: MailerDeps): Promise<HandlerResult> {
  if (await alreadySent(db, event.id)) return { outcome: "skipped", reason: "already_sent" };
  const [user] = await db.select().from(users).where(eq(users.id, event.data.userId));
  if (!user) return { outcome: "skipped", reason: "user_not_found" };
  if (user.status !== "pending") return { outcome: "skipped", reason: "already_verified" };

  const token = generateToken();
  const code = generateCode();
  await db.insert(verificationTokens).values({
    userId: user.id,
    tokenHash: hashToken(token),
    codeHash: hashCode(user.id, code),
    expiresAt: new Date(Date.now() + settings.tokenTtlMs),
    eventId: event.id,
  });

  const link = `${settings.publicUrl.replace(/\/$/, "")}/account/verify/${token}`;
  return sendOnce(event, { db, send, settings }, {
    to: user.email,
    template: "verification",
    vars: { email: user.email, link, code, expiresIn: humanDuration(settings.tokenTtlMs) },
    audit: { action: "verification.sent", userId: user.id, data: { trigger: event.type } },
  });
}
