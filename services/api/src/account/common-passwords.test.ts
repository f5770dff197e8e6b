import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isCommonPassword } from "./common-passwords.ts";

describe("common passwords", () => {
  it("knows the usual suspects, whatever their case", () => {
    for (const password of ["password", "123456789", "Password1", "PASSWORD", "qwerty123", "trustno1"]) expect(isCommonPassword(password), password).toBe(true);
  });

  it("lets an uncommon password through", () => {
    expect(isCommonPassword(randomBytes(15).toString("base64"))).toBe(false);
    expect(isCommonPassword("a long enough password")).toBe(false);
  });
});
