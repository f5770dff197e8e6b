import type { FieldError, SignUp, SignUpParams } from "@signup/client";
import type { AccountSettings, FieldName } from "./account-settings.ts";

type ApiField = "emailAddress" | "password" | "username" | "firstName" | "lastName" | "phoneNumber";

/** The form's names (kept from the first front-end) and the API's names for the same fields. */
export const apiNames: Record<FieldName, ApiField> = {
  email: "emailAddress",
  password: "password",
  username: "username",
  firstName: "firstName",
  lastName: "lastName",
  phoneNumber: "phoneNumber",
};
const clerkNames: Record<string, FieldName> = {
  email_address: "email",
  password: "password",
  username: "username",
  first_name: "firstName",
  last_name: "lastName",
  phone_number: "phoneNumber",
};
const formNames = new Map(Object.entries(apiNames).map(([form, api]) => [api as string, form as FieldName]));

export type FormValues = Partial<Record<FieldName, string>>;

/** Only the fields this instance asks for; blank means "not given", as a person means it. */
export function readForm(body: unknown, settings: AccountSettings): FormValues {
  const values: FormValues = {};
  const raw = (body ?? {}) as Record<string, unknown>;
  for (const name of Object.keys(apiNames) as FieldName[]) {
    const value = raw[name];
    if (settings.fields[name] === "off" || typeof value !== "string" || value.trim() === "") continue;
    values[name] = name === "password" ? value : value.trim();
  }
  return values;
}

export function toApiParams(values: FormValues): SignUpParams {
  const params: SignUpParams = {};
  for (const [name, value] of Object.entries(values) as Array<[FieldName, string]>) params[apiNames[name]] = value;
  return params;
}

/**
 * A sign-up resource accepts a partial create (the missing fields are listed, not refused); this
 * form is one step, so a required field left blank is an error here, before the API is asked.
 */
export function missingRequired(values: FormValues, settings: AccountSettings, suppliedElsewhere: readonly FieldName[] = []): FieldError[] {
  return (Object.keys(apiNames) as FieldName[])
    .filter((name) => settings.fields[name] === "required" && values[name] === undefined && !suppliedElsewhere.includes(name))
    .map((name) => ({ field: name, code: "required", message: "Fill this in." }));
}

/** Fields the API still lists as missing after create, in the form's names. */
export function missingAfterCreate(signUp: SignUp): FieldError[] {
  return signUp.missingFields.flatMap((name) => {
    const field = clerkNames[name];
    return field ? [{ field, code: "required", message: "Fill this in." }] : [];
  });
}

/** The API's field errors, renamed to the form's inputs (emailAddress → email); others kept. */
export function toFormErrors(errors: readonly FieldError[]): FieldError[] {
  return errors.map((error) => ({ ...error, field: formNames.get(error.field) ?? error.field }));
}
