import { type Executor, rowFrom, signUps, sql, statement } from "@signup/db";
import { HttpError } from "../http-error.ts";
import type { SignUpRow } from "./fields.ts";
import {
  byMailKind,
  type MailRequest,
  mailKind,
  mailRequestCtes,
  mailRequestSlots,
  mailRequestValues,
  type MailSettings,
  mailSlotColumns,
} from "./mail-request.ts";
import { settle, type SettleContext } from "./settle.ts";

export type PrepareSettings = SettleContext & MailSettings;

/**
 * Asks for the mail that verifies the address (it carries both the link and the code). At most one
 * per sign-up per cooldown: a repeat within it changes nothing and answers the same. The answer is
 * built from the sign-up's own columns, which move the same way whoever owns the address; only the
 * event differs (mail-request.ts). Either way it is one statement. `settled`: the caller has just
 * settled the row (the one-shot sign-up), so it is not settled again.
 */
export async function prepareEmailVerification(
  tx: Executor,
  current: SignUpRow,
  request: MailRequest,
  settings: PrepareSettings,
  options: { settled?: boolean } = {},
): Promise<SignUpRow> {
  const row = options.settled ? current : await settle(tx, current, settings);
  if (row.status !== "missing_requirements" || row.emailVerifiedAt) return row;
  if (!row.emailAddress) {
    throw new HttpError(400, "validation_failed", "Give an email address before asking to verify it.", [
      { field: "emailAddress", code: "required", message: "emailAddress is required." },
    ]);
  }
  if (row.emailPreparedAt && Date.now() - row.emailPreparedAt.getTime() < settings.cooldownMs) return row;

  const kind = mailKind(row);
  const rows = await requestMail[kind](tx, mailRequestValues(row, kind, request, settings));
  if (!rows[0]) throw new Error("sign-up vanished while preparing");
  return rowFrom(signUps, rows[0]);
}

/** The sign-up's own mail slot and the mail, one statement per kind; it returns the sign-up's row. */
const requestMail = byMailKind((kind) =>
  statement(
    mailRequestSlots,
    (v, db) => sql`with prepared as (
      update ${signUps} set ${mailSlotColumns(v, sql`true`)}, updated_at = now()
      where id = ${v.signUpId}
      returning *
    ),
    ${mailRequestCtes(kind, v, db, { when: sql`true`, userId: v.userId })}
    select * from prepared`,
  ),
);
