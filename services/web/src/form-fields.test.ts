import { describe, expect, it } from "vitest";
import type { AccountSettings } from "./account-settings.ts";
import { missingRequired, readForm, toApiParams, toFormErrors } from "./form-fields.ts";

const settings: AccountSettings = {
  fields: { email: "required", password: "required", username: "off", firstName: "optional", lastName: "optional", phoneNumber: "off" },
  password: { minLength: 8, maxLength: 128 },
  resendCooldownSeconds: 60,
};

describe("the sign-up form's fields", () => {
  it("reads only the instance's fields, trims all but the password, and drops blanks", () => {
    const values = readForm({ email: " ada@example.com ", password: " secret  words ", username: "ada", firstName: "  ", lastName: "Lovelace" }, settings);
    expect(values).toEqual({ email: "ada@example.com", password: " secret  words ", lastName: "Lovelace" });
    expect(toApiParams(values)).toEqual({ emailAddress: "ada@example.com", password: " secret  words ", lastName: "Lovelace" });
  });

  it("names the required fields left blank", () => {
    expect(missingRequired({ email: "a@b.c" }, settings)).toEqual([{ field: "password", code: "required", message: "Fill this in." }]);
  });

  it("maps the API's field names back to the form's", () => {
    expect(
      toFormErrors([
        { field: "emailAddress", code: "invalid", message: "Enter a valid email address." },
        { field: "unsafeMetadata.age", code: "x", message: "y" },
      ]),
    ).toEqual([
      { field: "email", code: "invalid", message: "Enter a valid email address." },
      { field: "unsafeMetadata.age", code: "x", message: "y" },
    ]);
  });
});
