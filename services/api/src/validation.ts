import type { z } from "zod";
import { HttpError, type FieldError } from "./http-error.ts";

/**
 * Whether the value at `path` is absent from the request. zod 4 leaves `issue.input` unset unless
 * asked (`reportInput`, which would copy passwords into the issues), so we look ourselves.
 */
function isMissing(value: unknown, path: readonly PropertyKey[]): boolean {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object" || !Object.hasOwn(current, key)) return true;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current === undefined;
}

const withArticle = (noun: string) => (/^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`);

function fieldErrors(error: z.ZodError, value: unknown): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) out.push({ field: key, code: "unknown_field", message: `Unknown field "${key}".` });
      continue;
    }
    const field = issue.path.join(".") || "body";
    if (issue.code === "invalid_type" && isMissing(value, issue.path)) {
      out.push({ field, code: "required", message: `${field} is required.` });
    } else if (issue.code === "invalid_type") {
      out.push({ field, code: "invalid_type", message: `${field} must be ${withArticle(issue.expected)}.` });
    } else if (issue.code === "invalid_format") {
      out.push({ field, code: `invalid_${issue.format}`, message: issue.message });
    } else if (issue.code === "too_small" || issue.code === "too_big") {
      out.push({ field, code: issue.code, message: issue.message });
    } else if (issue.code === "custom" && typeof issue.params?.code === "string") {
      // A refinement names its own code (e.g. common_password) through `params`.
      out.push({ field, code: issue.params.code, message: issue.message });
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
    throw new HttpError(400, "validation_failed", "Some fields are missing or invalid.", fieldErrors(result.error, value));
  }
  return result.data;
}
