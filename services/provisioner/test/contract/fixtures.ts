import { randomUUID } from "node:crypto";
import type { IdpUser } from "../../src/adapters/adapter.ts";

/** A fresh sign-up as the provisioner hands it to an adapter; every call is a different person. */
export function sampleUser(overrides: Partial<IdpUser> = {}): IdpUser {
  const externalId = randomUUID();
  const tag = externalId.slice(0, 8);
  return {
    externalId,
    email: `ada.${tag}@example.test`,
    username: `ada.${tag}`,
    firstName: "Ada",
    lastName: "Lovelace",
    displayName: "Ada Lovelace",
    ...overrides,
  };
}

/** Small so the hung-request tests stay fast; big enough for a loaded CI machine's 127.0.0.1. */
export const testTimeoutMs = 300;

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`rejected with a non-Error: ${String(error)}`);
  }
  throw new Error("expected a rejection, but the promise resolved");
}
