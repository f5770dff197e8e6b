import { z } from "zod";
import { isCommonPassword } from "./common-passwords.ts";
import { phoneNumberSchema } from "./phone-number.ts";
import { passwordPolicy, type FieldName, type SignupFields } from "./signup-fields.ts";

const text = (max: number) => z.string().trim().min(1, "Fill this in.").max(max);

export const fieldSchemas = {
  email: z
    .string()
    .trim()
    .max(254)
    .pipe(z.email({ message: "Enter a valid email address." })),
  password: z
    .string()
    .min(passwordPolicy.minLength, `Use at least ${passwordPolicy.minLength} characters.`)
    .max(passwordPolicy.maxLength, `Use at most ${passwordPolicy.maxLength} characters.`)
    // The first guesses of any attacker; `params.code` is the field error code clients see. Only
    // asked of a password of a valid length, so a short one gets one error, not two.
    .refine((value) => !isCommonPassword(value), {
      message: "This password is too common; choose another.",
      params: { code: "common_password" },
      when: (payload) => payload.issues.length === 0,
    }),
  username: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._-]{3,64}$/, "3 to 64 letters, digits, dots, dashes or underscores."),
  firstName: text(100),
  lastName: text(100),
  phoneNumber: phoneNumberSchema,
} satisfies Record<FieldName, z.ZodType>;

const metadata = z
  .record(z.string(), z.unknown())
  .refine((value) => JSON.stringify(value).length <= 4_096, "metadata is limited to 4 KB of JSON.")
  .optional();

/**
 * The sign-up body for this instance's settings: required fields must be there, optional ones may
 * be, and anything else (a field that is off, a typo) is refused rather than silently dropped.
 */
export function registerSchema(fields: SignupFields) {
  const shape: Record<string, z.ZodType> = { metadata };
  for (const [name, schema] of Object.entries(fieldSchemas) as Array<[FieldName, z.ZodType]>) {
    if (fields[name] === "required") shape[name] = schema;
    if (fields[name] === "optional") shape[name] = schema.optional();
  }
  return z.strictObject(shape) as unknown as z.ZodType<RegisterInput>;
}

export type RegisterInput = {
  email: string;
  password?: string;
  username?: string;
  firstName?: string;
  lastName?: string;
  phoneNumber?: string;
  metadata?: Record<string, unknown>;
};
