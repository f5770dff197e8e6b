import { afterEach, beforeEach, expect, it } from "vitest";
import { PermanentError, RetryLaterError } from "@signup/queue";
import type { IdpAdapter, IdpUserRef } from "../../src/adapters/adapter.ts";
import { rejectionOf, sampleUser } from "./fixtures.ts";
import type { ContractServer } from "@signup/test/idp-servers";

export type ContractSubject<S extends ContractServer<unknown>> = {
  start(): Promise<S>;
  adapter(server: S): IdpAdapter;
  /** A 400 body in the vendor's shape and the text the PermanentError must carry from it. */
  badRequest: { body: unknown; expectedText: string };
  /** Whether a retry after a 409 adopts the user (false: the vendor offers no lookup). */
  adoptsOn409?: boolean;
  /** Whether deprovision() deletes at the IdP (false: the vendor documents no delete). */
  deprovisions?: boolean;
};

/**
 * The behaviour every adapter shares (issue 3): idempotent create, 409 → adopt, error taxonomy,
 * timeouts; and the same for delete, where 404 means done. Called inside a vendor's describe();
 * `current()` gives the test its server.
 */
export function sharedContract<S extends ContractServer<unknown>>(subject: ContractSubject<S>): { current: () => S } {
  let server: S;
  beforeEach(async () => {
    server = await subject.start();
  });
  afterEach(async () => {
    await server.close();
  });
  const adapter = () => subject.adapter(server);
  const provisioned = async (): Promise<IdpUserRef> => {
    const user = sampleUser();
    const { internalId } = await adapter().provision(user);
    return { internalId, externalId: user.externalId };
  };

  it("creates the user once and returns the IdP's id", async () => {
    const result = await adapter().provision(sampleUser());
    expect(result.adopted).toBe(false);
    expect(server.users.has(result.internalId)).toBe(true);
    expect(server.users.size).toBe(1);
  });

  if (subject.adoptsOn409 !== false) {
    it("409 on a duplicate → looks the user up and adopts it (exactly one IdP user)", async () => {
      const user = sampleUser();
      const first = await adapter().provision(user);
      const second = await adapter().provision(user);
      expect(second).toEqual({ internalId: first.internalId, adopted: true });
      expect(server.users.size).toBe(1);
      expect(server.requests.some((r) => r.operation === "lookup")).toBe(true);
    });

    it("created but the response hung → the retry finds the user; still one user", async () => {
      server.faults.add("create", { type: "apply-then-hang" });
      const user = sampleUser();
      const lost = await rejectionOf(adapter().provision(user));
      expect(lost).not.toBeInstanceOf(PermanentError);
      expect(server.users.size).toBe(1);
      const retry = await adapter().provision(user);
      expect(retry.adopted).toBe(true);
      expect(server.users.has(retry.internalId)).toBe(true);
      expect(server.users.size).toBe(1);
    });
  }

  it("429 with Retry-After in seconds → RetryLaterError with that delay", async () => {
    server.faults.add("create", { type: "rate-limit", retryAfter: "2" });
    const error = await rejectionOf(adapter().provision(sampleUser()));
    expect(error).toBeInstanceOf(RetryLaterError);
    expect((error as RetryLaterError).delayMs).toBe(2_000);
  });

  it("429 with Retry-After as an HTTP-date → RetryLaterError with the remaining time", async () => {
    const at = new Date(Date.now() + 5_000).toUTCString();
    server.faults.add("create", { type: "rate-limit", retryAfter: at });
    const error = await rejectionOf(adapter().provision(sampleUser()));
    expect(error).toBeInstanceOf(RetryLaterError);
    expect((error as RetryLaterError).delayMs).toBeGreaterThan(2_000);
    expect((error as RetryLaterError).delayMs).toBeLessThanOrEqual(5_000);
  });

  it("500 twice → retryable errors, then the user is created once", async () => {
    server.faults.add("create", { type: "status", status: 500 }, 2);
    const user = sampleUser();
    for (let attempt = 0; attempt < 2; attempt++) {
      const error = await rejectionOf(adapter().provision(user));
      expect(error).not.toBeInstanceOf(PermanentError);
      expect(error).not.toBeInstanceOf(RetryLaterError);
    }
    expect((await adapter().provision(user)).adopted).toBe(false);
    expect(server.users.size).toBe(1);
  });

  it("a hung request times out with a retryable error", async () => {
    server.faults.add("create", { type: "hang" });
    const started = Date.now();
    const error = await rejectionOf(adapter().provision(sampleUser()));
    expect(error.message).toMatch(/timed out after \d+ ms/);
    expect(error).not.toBeInstanceOf(PermanentError);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("400 → PermanentError carrying the vendor's message", async () => {
    server.faults.add("create", { type: "status", status: 400, body: subject.badRequest.body });
    const error = await rejectionOf(adapter().provision(sampleUser()));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toContain(subject.badRequest.expectedText);
    expect(server.users.size).toBe(0);
  });

  it("403 and 422 are permanent too", async () => {
    server.faults.add("create", { type: "status", status: 403 }).add("create", { type: "status", status: 422 });
    expect(await rejectionOf(adapter().provision(sampleUser()))).toBeInstanceOf(PermanentError);
    expect(await rejectionOf(adapter().provision(sampleUser()))).toBeInstanceOf(PermanentError);
  });

  if (subject.deprovisions !== false) {
    it("deprovision deletes the user with one DELETE", async () => {
      const user = await provisioned();
      expect(await adapter().deprovision(user)).toEqual({ outcome: "deleted" });
      expect(server.users.has(user.internalId)).toBe(false);
      expect(server.requestsFor("delete")).toHaveLength(1);
    });

    it("a second deprovision → not_found, not an error", async () => {
      const user = await provisioned();
      await adapter().deprovision(user);
      expect(await adapter().deprovision(user)).toEqual({ outcome: "not_found" });
      expect(server.requestsFor("delete")).toHaveLength(2);
    });

    it("410 Gone on delete counts as not_found too", async () => {
      const user = await provisioned();
      server.faults.add("delete", { type: "status", status: 410 });
      expect(await adapter().deprovision(user)).toEqual({ outcome: "not_found" });
    });

    it("500 on delete → retryable error; the user stays until the retry deletes it", async () => {
      const user = await provisioned();
      server.faults.add("delete", { type: "status", status: 500 });
      const error = await rejectionOf(adapter().deprovision(user));
      expect(error).not.toBeInstanceOf(PermanentError);
      expect(error).not.toBeInstanceOf(RetryLaterError);
      expect(server.users.has(user.internalId)).toBe(true);
      expect(await adapter().deprovision(user)).toEqual({ outcome: "deleted" });
    });

    it("429 on delete → RetryLaterError with the Retry-After delay", async () => {
      const user = await provisioned();
      server.faults.add("delete", { type: "rate-limit", retryAfter: "3" });
      const error = await rejectionOf(adapter().deprovision(user));
      expect(error).toBeInstanceOf(RetryLaterError);
      expect((error as RetryLaterError).delayMs).toBe(3_000);
      expect(server.users.has(user.internalId)).toBe(true);
    });

    it("a hung delete times out with a retryable error", async () => {
      const user = await provisioned();
      server.faults.add("delete", { type: "hang" });
      const started = Date.now();
      const error = await rejectionOf(adapter().deprovision(user));
      expect(error.message).toMatch(/DELETE .* timed out after \d+ ms/);
      expect(error).not.toBeInstanceOf(PermanentError);
      expect(Date.now() - started).toBeLessThan(2_000);
    });

    it("403 on delete → PermanentError", async () => {
      const user = await provisioned();
      server.faults.add("delete", { type: "status", status: 403 });
      expect(await rejectionOf(adapter().deprovision(user))).toBeInstanceOf(PermanentError);
    });
  }

  return { current: () => server };
}
