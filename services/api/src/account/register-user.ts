import { type Database, retryTransient } from "@signup/db";
import { createSignUp, mapUsernameConflict } from "../sign-ups/edit-sign-up.ts";
import { prepareEmailVerification, type PrepareSettings } from "../sign-ups/prepare-verification.ts";
import type { RegisterInput } from "./register-schema.ts";

type NewUser = Omit<RegisterInput, "password"> & { passwordHash?: string };

/**
 * The one-shot sign-up: a sign-up resource created with every field at once, and its verification
 * mail asked for in the same transaction. Nothing here is a second code path: a new address
 * records its user (UserRegistered) and gets the link and code; a known address gets the same
 * answer while its owner is told (or, if still pending, mailed again), at most once per cooldown.
 * The mail is asked for inside settle's save (BEGIN, insert, save, COMMIT: four round trips, for a
 * new address and a known one alike); only when a concurrent sign-up took the address between the
 * two statements is it asked for on its own.
 */
export async function registerUser(db: Database, input: NewUser, meta: PrepareSettings & { correlationId: string }): Promise<void> {
  try {
    await retryTransient(() =>
      db.transaction(async (tx) => {
        const mail = { request: { strategy: "email_link" }, settings: meta } as const;
        const { row } = await createSignUp(
          tx,
          {
            emailAddress: input.email,
            ...(input.passwordHash !== undefined ? { passwordHash: input.passwordHash } : {}),
            ...(input.username !== undefined ? { username: input.username } : {}),
            ...(input.firstName !== undefined ? { firstName: input.firstName } : {}),
            ...(input.lastName !== undefined ? { lastName: input.lastName } : {}),
            ...(input.metadata !== undefined ? { unsafeMetadata: input.metadata } : {}),
          },
          meta,
          { mail },
        );
        if (!row.emailPreparedAt) await prepareEmailVerification(tx, row, mail.request, meta, { settled: true });
      }),
    );
  } catch (error) {
    throw mapUsernameConflict(error);
  }
}
