import { randomUUID } from "node:crypto";
import {
  and,
  appendAudit,
  auditInsertWhere,
  eq,
  type Executor,
  insertRowWhere,
  isNull,
  ne,
  normalizeEmail,
  phoneCodes,
  rowFrom,
  signUps,
  sql,
  statement,
  users,
  verificationTokens,
} from "@signup/db";
import { HttpError } from "../http-error.ts";
import { missingFields, type SignUpRow } from "./fields.ts";
import { issueClientToken } from "./client-token.ts";
import { copyProfileToUser } from "./record-user.ts";
import { ownerLookup, settle, type SettleContext, type SettleMail } from "./settle.ts";
import { redeemTicket } from "./ticket.ts";

/** A step's fields, validated, the password already hashed. */
export type SignUpChanges = {
  emailAddress?: string;
  passwordHash?: string;
  username?: string;
  firstName?: string;
  lastName?: string;
  phoneNumber?: string;
  unsafeMetadata?: Record<string, unknown>;
  redirectUrl?: string;
  /** An invite's ticket (create only): it supplies the address and proves it. */
  ticket?: string;
};

const usernameTaken = () => new HttpError(409, "username_taken", "That username is taken; choose another.");

function columns(changes: SignUpChanges) {
  return {
    ...(changes.emailAddress !== undefined ? { emailAddress: changes.emailAddress, emailNormalized: normalizeEmail(changes.emailAddress) } : {}),
    ...(changes.passwordHash !== undefined ? { passwordHash: changes.passwordHash } : {}),
    ...(changes.username !== undefined ? { username: changes.username } : {}),
    ...(changes.firstName !== undefined ? { firstName: changes.firstName } : {}),
    ...(changes.lastName !== undefined ? { lastName: changes.lastName } : {}),
    ...(changes.phoneNumber !== undefined ? { phoneNumber: changes.phoneNumber } : {}),
    ...(changes.unsafeMetadata !== undefined ? { unsafeMetadata: changes.unsafeMetadata } : {}),
    ...(changes.redirectUrl !== undefined ? { redirectUrl: changes.redirectUrl } : {}),
  };
}

/**
 * Usernames are public handles, so a taken one may be said at once (addresses never are). The
 * account that holds this sign-up's own address is no clash: the sign-up continues that account,
 * and answering otherwise would tell whether the address is known.
 */
async function ensureUsernameFree(tx: Executor, username: string | undefined, emailNormalized: string | null): Promise<void> {
  if (username === undefined) return;
  const clash = sql`lower(${users.username}) = lower(${username})`;
  const [taken] = await tx
    .select({ id: users.id })
    .from(users)
    .where(emailNormalized ? and(clash, ne(users.emailNormalized, emailNormalized)) : clash)
    .limit(1);
  if (taken) throw usernameTaken();
}

/**
 * A new sign-up, its audit entry and, with an address, who holds it (settle's first question), in
 * one statement: one round trip on every sign-up. An invite's ticket proves the address at once.
 */
const insertSignUp = statement(
  [
    "id",
    "clientTokenHash",
    "correlationId",
    "emailAddress",
    "emailNormalized",
    "passwordHash",
    "username",
    "firstName",
    "lastName",
    "phoneNumber",
    "unsafeMetadata",
    "redirectUrl",
    "inviteId",
    "invited",
    "auditData",
  ],
  (v) => sql`with created as (${insertRowWhere(
    signUps,
    {
      id: v.id,
      clientTokenHash: v.clientTokenHash,
      correlationId: v.correlationId,
      emailAddress: v.emailAddress,
      emailNormalized: v.emailNormalized,
      passwordHash: v.passwordHash,
      username: v.username,
      firstName: v.firstName,
      lastName: v.lastName,
      phoneNumber: v.phoneNumber,
      unsafeMetadata: v.unsafeMetadata,
      redirectUrl: v.redirectUrl,
      inviteId: v.inviteId,
      emailVerifiedAt: sql`case when ${v.invited} then now() end`,
    },
    sql`true`,
  )} returning *),
    audited as (${auditInsertWhere({ actor: "public", action: "sign_up.created", correlationId: v.correlationId, data: v.auditData }, sql`true`)}),
    ${ownerLookup.cte(v.emailNormalized)}
    select created.*, ${ownerLookup.columns} from created`,
);

export async function createSignUp(
  tx: Executor,
  changes: SignUpChanges,
  ctx: SettleContext & { correlationId: string },
  options: { mail?: SettleMail } = {},
): Promise<{ row: SignUpRow; clientToken: string }> {
  // A ticket's sign-up continues the invite's flow: its address, proved, under the invite's correlation id.
  const invite = changes.ticket === undefined ? undefined : await redeemTicket(tx, changes.ticket);
  if (invite && changes.emailAddress !== undefined && normalizeEmail(changes.emailAddress) !== normalizeEmail(invite.email)) {
    throw new HttpError(400, "validation_failed", "A sign-up by invitation uses the invited address.", [
      { field: "emailAddress", code: "ticket_mismatch", message: "This is not the invited address." },
    ]);
  }
  const emailAddress = invite?.email ?? changes.emailAddress;
  const correlationId = invite?.correlationId ?? ctx.correlationId;
  const emailNormalized = emailAddress === undefined ? undefined : normalizeEmail(emailAddress);
  await ensureUsernameFree(tx, changes.username, emailNormalized ?? null);
  const { token, hash } = issueClientToken();
  const id = randomUUID();
  const [raw] = await insertSignUp(tx, {
    id,
    clientTokenHash: hash,
    correlationId,
    emailAddress: emailAddress ?? null,
    emailNormalized: emailNormalized ?? null,
    passwordHash: changes.passwordHash ?? null,
    username: changes.username ?? null,
    firstName: changes.firstName ?? null,
    lastName: changes.lastName ?? null,
    phoneNumber: changes.phoneNumber ?? null,
    unsafeMetadata: changes.unsafeMetadata ?? {},
    redirectUrl: changes.redirectUrl ?? null,
    inviteId: invite?.inviteId ?? null,
    invited: invite !== undefined,
    auditData: { signUpId: id, ...(invite ? { strategy: "ticket" } : {}) },
  });
  if (!raw) throw new Error("insert returned nothing");
  const row = rowFrom(signUps, raw);
  const owner = emailNormalized === undefined ? undefined : ownerLookup.read(raw);
  if (invite) {
    await appendAudit(tx, {
      actor: "public",
      action: "invite.ticket_redeemed",
      teamId: invite.teamId,
      correlationId,
      data: { signUpId: row.id, inviteId: invite.inviteId },
    });
  }
  const settled = await settle(tx, row, { ...ctx, requestId: ctx.requestId }, { ...(owner ? { owner } : {}), ...(options.mail ? { mail: options.mail } : {}) });
  return { row: settled, clientToken: token };
}

/**
 * One more step. The address is fixed once nothing required is missing (its account is recorded,
 * or known to be taken, by then); before that a new address starts its verification afresh.
 */
export async function updateSignUp(tx: Executor, row: SignUpRow, changes: SignUpChanges, ctx: SettleContext): Promise<SignUpRow> {
  if (row.status !== "missing_requirements") throw new HttpError(409, "sign_up_not_editable", `This sign-up is ${row.status}; start a new one to change it.`);
  const newAddress = changes.emailAddress !== undefined && normalizeEmail(changes.emailAddress) !== row.emailNormalized;
  if (newAddress && missingFields(row, ctx.fields).length === 0) {
    throw new HttpError(409, "email_address_locked", "The email address cannot change once every required field is given; start a new sign-up.");
  }
  await ensureUsernameFree(tx, changes.username, changes.emailAddress === undefined ? row.emailNormalized : normalizeEmail(changes.emailAddress));
  const reset = newAddress
    ? { userId: null, emailTaken: false, emailStrategy: null, emailPreparedAt: null, emailExpireAt: null, emailAttempts: 0, emailVerifiedAt: null }
    : {};
  const newNumber = changes.phoneNumber !== undefined && changes.phoneNumber !== row.phoneNumber;
  const phoneReset = newNumber ? { phoneTaken: false, phonePreparedAt: null, phoneExpireAt: null, phoneAttempts: 0, phoneVerifiedAt: null } : {};
  const [updated] = await tx
    .update(signUps)
    .set({ ...columns(changes), ...reset, ...phoneReset, updatedAt: sql`now()` })
    .where(eq(signUps.id, row.id))
    .returning();
  if (!updated) throw new Error("sign-up vanished during an update");
  // A code sent to the old number must not verify the new one.
  if (newNumber)
    await tx
      .update(phoneCodes)
      .set({ usedAt: sql`now()` })
      .where(and(eq(phoneCodes.signUpId, row.id), isNull(phoneCodes.usedAt)));
  // A link or code mailed to the old address must not verify the new one.
  if (newAddress)
    await tx
      .update(verificationTokens)
      .set({ usedAt: sql`now()` })
      .where(and(eq(verificationTokens.signUpId, row.id), isNull(verificationTokens.usedAt)));
  await copyProfileToUser(tx, updated);
  return settle(tx, updated, ctx);
}

/** drizzle wraps the driver's error; a username that became taken meanwhile is still a 409. */
export function mapUsernameConflict(error: unknown): unknown {
  const pg = ((error as { cause?: unknown }).cause ?? error) as { code?: string; constraint_name?: string };
  return pg.code === "23505" && pg.constraint_name === "users_username_unique" ? usernameTaken() : error;
}
