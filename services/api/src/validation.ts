import type { z } from "zod";
import { HttpError, type FieldError } from "./http-error.ts";

function fieldErrors(error: z.ZodError): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) out.push({ field: key, code: "unknown_field", message: `Unknown field "${key}".` });
      continue;
    }
    const field = issue.path.join(".") || "body";
    if (issue.code === "invalid_type" && issue.input === undefined) {
      out.push({ field, code: "required", message: `${field} is required.` });
    } else if (issue.code === "invalid_format") {
      out.push({ field, code: `invalid_${issue.format}`, message: issue.message });
    } else if (issue.code === "too_small" || issue.code === "too_big") {
      out.push({ field, code: issue.code, message: issue.message });
    } else {
      out.push({ field, code: "invalid", message: issue.message });
    }
  }
  return out;
}

/** Parses a request part or throws a 400 naming each bad field. */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new HttpError(400, "invalid_body", "Send a JSON object.");
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new HttpError(400, "validation_failed", "Some fields are missing or invalid.", fieldErrors(result.error));
  }
  return result.data;
}
