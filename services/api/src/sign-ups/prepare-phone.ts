import { PhoneVerificationPrepared } from "@signup/contracts";
import { and, appendAudit, count, enqueueEvent, eq, type Executor, gt, signUps, smsRequests, sql } from "@signup/db";
import { HttpError } from "../http-error.ts";
import type { SignUpRow } from "./fields.ts";
import { settle, type SettleContext } from "./settle.ts";

export type PhoneSettings = SettleContext & { cooldownMs: number; phoneCodeTtlMs: number; smsDailyBudget: number };

/**
 * Asks for the SMS that verifies the number. SMS costs money, so besides one per sign-up per
 * cooldown, each number gets at most SMS_DAILY_BUDGET messages a day whoever asks. The answer is
 * the same whether an SMS went out, the budget was spent, or the number belongs to another
 * account (which never gets a code): the sign-up's own columns move alike in each case.
 */
export async function preparePhoneVerification(tx: Executor, current: SignUpRow, settings: PhoneSettings): Promise<SignUpRow> {
  const row = await settle(tx, current, settings);
  if (row.status !== "missing_requirements" || row.phoneVerifiedAt) return row;
  if (!row.phoneNumber) {
    throw new HttpError(400, "validation_failed", "Give a phone number before asking to verify it.", [
      { field: "phoneNumber", code: "required", message: "phoneNumber is required." },
    ]);
  }
  if (row.phonePreparedAt && Date.now() - row.phonePreparedAt.getTime() < settings.cooldownMs) return row;

  const [prepared] = await tx
    .update(signUps)
    .set({
      phonePreparedAt: sql`now()`,
      phoneExpireAt: sql`now() + make_interval(secs => ${settings.phoneCodeTtlMs / 1_000})`,
      phoneAttempts: 0,
      updatedAt: sql`now()`,
    })
    .where(eq(signUps.id, row.id))
    .returning();
  if (!prepared) throw new Error("sign-up vanished while preparing");

  let action = "sign_up.phone_verification_prepared";
  let eventId: string | null = null;
  if (prepared.phoneTaken) {
    action = "sign_up.phone_taken";
  } else {
    const [sent] = await tx
      .select({ n: count() })
      .from(smsRequests)
      .where(and(eq(smsRequests.phoneNumber, prepared.phoneNumber!), gt(smsRequests.at, sql`now() - interval '1 day'`)));
    if ((sent?.n ?? 0) >= settings.smsDailyBudget) {
      action = "sign_up.sms_budget_spent";
    } else {
      const event = PhoneVerificationPrepared.create({ signUpId: prepared.id }, { correlationId: prepared.correlationId });
      await tx.insert(smsRequests).values({ phoneNumber: prepared.phoneNumber!, signUpId: prepared.id });
      await enqueueEvent(tx, event);
      eventId = event.id;
    }
  }
  await appendAudit(tx, {
    actor: "public",
    action,
    userId: prepared.ownsUser ? prepared.userId : null,
    correlationId: prepared.correlationId,
    eventId,
    data: { signUpId: prepared.id },
  });
  return prepared;
}
