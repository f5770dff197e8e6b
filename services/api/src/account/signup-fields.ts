import { z } from "zod";

export const fieldNames = ["email", "password", "username", "firstName", "lastName", "phoneNumber"] as const;
export type FieldName = (typeof fieldNames)[number];
export type FieldMode = "required" | "optional" | "off";
export type SignupFields = Readonly<Record<FieldName, FieldMode>>;

/** Passwordless by default (as with Beyond Identity); names and a username may be given. */
export const defaultSignupFields = "email:required,username:optional,firstName:optional,lastName:optional";

/**
 * SIGNUP_FIELDS: comma-separated `field:required` or `field:optional`; fields not listed are off.
 * Example: "email:required,password:required,firstName:optional".
 */
export const signupFieldsSetting = z
  .string()
  .default(defaultSignupFields)
  .transform((value, ctx) => {
    const fields: Record<FieldName, FieldMode> = { email: "off", password: "off", username: "off", firstName: "off", lastName: "off", phoneNumber: "off" };
    for (const part of value
      .split(",")
      .map((p) => p.trim())
      .filter(Boolean)) {
      const [name, mode = "required"] = part.split(":").map((p) => p.trim());
      if (!fieldNames.includes(name as FieldName) || (mode !== "required" && mode !== "optional")) {
        ctx.addIssue({ code: "custom", message: `"${part}" is not field:required or field:optional with a field among ${fieldNames.join(", ")}` });
        return z.NEVER;
      }
      fields[name as FieldName] = mode;
    }
    if (fields.email !== "required") {
      ctx.addIssue({ code: "custom", message: "email must be required: it is how a user is verified" });
      return z.NEVER;
    }
    return Object.freeze(fields) as SignupFields;
  });

export const passwordPolicy = { minLength: 8, maxLength: 128 } as const;

/** What GET /account/settings publishes for front-ends. */
export function publicSettings(fields: SignupFields, resendCooldownMs: number) {
  return {
    fields,
    required: fieldNames.filter((name) => fields[name] === "required"),
    optional: fieldNames.filter((name) => fields[name] === "optional"),
    password: fields.password === "off" ? null : passwordPolicy,
    resendCooldownSeconds: Math.round(resendCooldownMs / 1_000),
  };
}
