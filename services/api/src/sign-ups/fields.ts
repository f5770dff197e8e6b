import { fieldNames, type FieldName, type SignupFields } from "../account/signup-fields.ts";
import type { signUps } from "@signup/db";

export type SignUpRow = typeof signUps.$inferSelect;

/** The names the front-end sends (camelCase, as in Clerk's JS SDK). */
export const bodyNames = {
  email: "emailAddress",
  password: "password",
  username: "username",
  firstName: "firstName",
  lastName: "lastName",
  phoneNumber: "phoneNumber",
} as const satisfies Record<FieldName, string>;

/** The names inside requiredFields/missingFields/... (Clerk's snake_case attribute names). */
export const clerkNames = {
  email: "email_address",
  password: "password",
  username: "username",
  firstName: "first_name",
  lastName: "last_name",
  phoneNumber: "phone_number",
} as const satisfies Record<FieldName, string>;

const supplied: Record<FieldName, (row: SignUpRow) => boolean> = {
  email: (row) => row.emailAddress !== null,
  password: (row) => row.passwordHash !== null,
  username: (row) => row.username !== null,
  firstName: (row) => row.firstName !== null,
  lastName: (row) => row.lastName !== null,
  phoneNumber: (row) => row.phoneNumber !== null,
};

export const requiredFields = (fields: SignupFields) => fieldNames.filter((name) => fields[name] === "required").map((name) => clerkNames[name]);
export const optionalFields = (fields: SignupFields) => fieldNames.filter((name) => fields[name] === "optional").map((name) => clerkNames[name]);

export function missingFields(row: SignUpRow, fields: SignupFields): string[] {
  return fieldNames.filter((name) => fields[name] === "required" && !supplied[name](row)).map((name) => clerkNames[name]);
}

/** Every identifier given must be proved before the sign-up completes, optional ones included. */
export function unverifiedFields(row: SignUpRow): string[] {
  return [
    ...(row.emailAddress !== null && row.emailVerifiedAt === null ? [clerkNames.email] : []),
    ...(row.phoneNumber !== null && row.phoneVerifiedAt === null ? [clerkNames.phoneNumber] : []),
  ];
}
