import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import { z } from "zod";

/**
 * A phone number in international form, stored as E.164 so that one number has one spelling (and
 * so one account): "+1 (555) 555-0123" and "+15555550123" are the same number.
 */
export const phoneNumberSchema = z
  .string()
  .trim()
  .max(40)
  .transform((value, ctx) => {
    const parsed = parsePhoneNumberFromString(value);
    if (!parsed?.isValid()) {
      ctx.addIssue({ code: "custom", message: "Enter a phone number in international form, e.g. +44 20 7946 0958.", params: { code: "invalid_phone_number" } });
      return z.NEVER;
    }
    return parsed.number as string;
  });
