import { auditedChange, type Database, eq, isNull, isProcessed, phoneCodes, processedEvents, signUps } from "@signup/db";
import type { EventOf } from "@signup/contracts";
import type { Logger } from "@signup/logger";
import type { HandlerResult } from "@signup/queue";
import { generateCode, hashCode } from "@signup/tokens";
import { maskPhone } from "../mask.ts";
import type { SmsProvider } from "../providers/provider.ts";

export const SMS_CONSUMER = "sms";
/** Used only when the sign-up has no phoneExpireAt (the API sets one when it prepares). */
const fallbackTtlMs = 10 * 60_000;

export type SmsDeps = { db: Database; provider: SmsProvider; productName: string };

export const smsText = (code: string, productName: string) => `${code} is your ${productName} verification code.`;

/**
 * Texts a fresh code for a sign-up's phone number (PhoneVerificationPrepared). Only the code's hash
 * is stored. An SMS cannot join a transaction, so the inbox row comes after the send: a crash in
 * between texts a new code on retry (at-least-once), and the retry's upsert on event_id replaces
 * the hash, because the first code was never recorded as sent.
 */
export async function sendPhoneCode(event: EventOf<"PhoneVerificationPrepared">, deps: SmsDeps, logger?: Logger): Promise<HandlerResult> {
  const { db, provider, productName } = deps;
  if (await isProcessed(db, SMS_CONSUMER, event.id)) return { outcome: "skipped", reason: "already_sent" };
  const [signUp] = await db.select().from(signUps).where(eq(signUps.id, event.data.signUpId));
  if (!signUp) return { outcome: "skipped", reason: "sign_up_not_found" };
  if (signUp.status !== "missing_requirements") return { outcome: "skipped", reason: "not_open" };
  if (signUp.phoneVerifiedAt) return { outcome: "skipped", reason: "already_verified" };
  if (!signUp.phoneNumber) return { outcome: "skipped", reason: "no_phone_number" };
  // The number belongs to another account: texting it would spend money and pester its owner.
  if (signUp.phoneTaken) return { outcome: "skipped", reason: "phone_taken" };
  // A job that waited past the expiry (Redis outage, late replay) would text a dead code.
  if (signUp.phoneExpireAt && signUp.phoneExpireAt.getTime() <= Date.now()) return { outcome: "skipped", reason: "expired" };

  const code = generateCode();
  const codeHash = hashCode(signUp.id, code);
  const expiresAt = signUp.phoneExpireAt ?? new Date(Date.now() + fallbackTtlMs);
  await db
    .insert(phoneCodes)
    .values({ signUpId: signUp.id, codeHash, expiresAt, eventId: event.id })
    // A used code stays as it was: it already verified the number.
    .onConflictDoUpdate({ target: phoneCodes.eventId, set: { codeHash, expiresAt }, setWhere: isNull(phoneCodes.usedAt) });

  const to = maskPhone(signUp.phoneNumber);
  const { id: messageId } = await provider.send({ to: signUp.phoneNumber, body: smsText(code, productName) });
  logger?.info({ signUpId: signUp.id, to, provider: provider.name, messageId }, "phone code sent");

  // The inbox row and the audit entry in one statement, once, whoever records first.
  await auditedChange(
    db,
    db.insert(processedEvents).values({ consumer: SMS_CONSUMER, eventId: event.id }).onConflictDoNothing().returning({ eventId: processedEvents.eventId }),
    {
      actor: SMS_CONSUMER,
      action: "phone_code.sent",
      userId: signUp.ownsUser ? signUp.userId : null,
      correlationId: event.correlationId,
      eventId: event.id,
      data: { signUpId: signUp.id, to, provider: provider.name, messageId },
    },
  );
  return { outcome: "done", messageId };
}
