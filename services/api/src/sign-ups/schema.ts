import { z } from "zod";
import { fieldSchemas } from "../account/register-schema.ts";
import { fieldNames, type SignupFields } from "../account/signup-fields.ts";
import { bodyNames } from "./fields.ts";

/** What create and PATCH take: any subset of the instance's fields; fields that are off are refused. */
export type SignUpBody = {
  emailAddress?: string;
  password?: string;
  username?: string;
  firstName?: string;
  lastName?: string;
  phoneNumber?: string;
  unsafeMetadata?: unknown;
  redirectUrl?: string;
  /** Clerk's ticket strategy: an invite's ticket proves the address. */
  strategy?: "ticket";
  ticket?: string;
};

/** PATCH takes the same fields as create, except a ticket: that is how a sign-up starts, or not at all. */
export function signUpBodySchema(fields: SignupFields, step: "create" | "update"): z.ZodType<SignUpBody> {
  const shape: Record<string, z.ZodType> = {
    unsafeMetadata: z.unknown().optional(),
    redirectUrl: z.string().trim().min(1).max(2_048).optional(),
    ...(step === "create" ? { strategy: z.literal("ticket").optional(), ticket: z.string().trim().min(1).max(200).optional() } : {}),
  };
  for (const name of fieldNames) {
    if (fields[name] !== "off") shape[bodyNames[name]] = fieldSchemas[name].optional();
  }
  return z.strictObject(shape).refine((body) => (body.strategy === "ticket") === (body.ticket !== undefined), {
    message: 'A ticket goes with strategy "ticket", and strategy "ticket" needs a ticket.',
    path: ["ticket"],
  }) as unknown as z.ZodType<SignUpBody>;
}

export const emailStrategies = ["email_link", "email_code"] as const;
export type EmailStrategy = (typeof emailStrategies)[number];

export const prepareBody = z.strictObject({
  strategy: z.enum([...emailStrategies, "phone_code"]),
  redirectUrl: z.string().trim().min(1).max(2_048).optional(),
});

export const attemptBody = z.strictObject({
  strategy: z.enum(["email_code", "phone_code"]),
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/, "Enter the 6 digits from the mail."),
});
