import type { SignupFields } from "../account/signup-fields.ts";
import { maxCodeAttempts } from "../account/verify-code.ts";
import { missingFields, optionalFields, requiredFields, unverifiedFields, type SignUpRow } from "./fields.ts";

export type VerificationJson = {
  status: "unverified" | "verified" | "expired" | "failed";
  strategy: "email_link" | "email_code" | "phone_code";
  attempts: number;
  expireAt: string | null;
};

function emailVerification(row: SignUpRow, now: number): VerificationJson | null {
  if (row.emailStrategy === null) return null;
  const expireAt = row.emailExpireAt?.toISOString() ?? null;
  const base = { strategy: row.emailStrategy, attempts: row.emailAttempts, expireAt };
  if (row.emailVerifiedAt) return { status: "verified", ...base };
  if (row.emailAttempts >= maxCodeAttempts) return { status: "failed", ...base };
  if (row.emailExpireAt && row.emailExpireAt.getTime() <= now) return { status: "expired", ...base };
  return { status: "unverified", ...base };
}

function phoneVerification(row: SignUpRow, now: number): VerificationJson | null {
  if (row.phonePreparedAt === null) return null;
  const base = { strategy: "phone_code" as const, attempts: row.phoneAttempts, expireAt: row.phoneExpireAt?.toISOString() ?? null };
  if (row.phoneVerifiedAt) return { status: "verified", ...base };
  if (row.phoneAttempts >= maxCodeAttempts) return { status: "failed", ...base };
  if (row.phoneExpireAt && row.phoneExpireAt.getTime() <= now) return { status: "expired", ...base };
  return { status: "unverified", ...base };
}

/**
 * The SignUp as the public API shows it. Everything comes from the sign-up's own row, never from
 * the account behind the address, so a taken address reads exactly like a new one.
 */
export function toSignUpJson(row: SignUpRow, fields: SignupFields, completionToken: string | null, now = Date.now()) {
  const complete = row.status === "complete";
  return {
    object: "sign_up" as const,
    id: row.id,
    status: row.status,
    requiredFields: requiredFields(fields),
    optionalFields: optionalFields(fields),
    missingFields: missingFields(row, fields),
    unverifiedFields: unverifiedFields(row),
    verifications: { emailAddress: emailVerification(row, now), phoneNumber: phoneVerification(row, now) },
    emailAddress: row.emailAddress,
    phoneNumber: row.phoneNumber,
    username: row.username,
    firstName: row.firstName,
    lastName: row.lastName,
    hasPassword: row.passwordHash !== null,
    unsafeMetadata: row.unsafeMetadata,
    createdUserId: complete ? row.userId : null,
    completionToken: complete ? completionToken : null,
    abandonAt: row.abandonAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

export type SignUpJson = ReturnType<typeof toSignUpJson>;
