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
    metadata: {},
    ...overrides,
  };
}

/** Small so the hung-request tests stay fast; big enough that an ordinary answer on a loaded
 * 2-core CI machine (end-to-end suites running beside) never times out: 300 ms once did. */
export const testTimeoutMs = 1_000;

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
