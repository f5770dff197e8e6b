import { readFileSync } from "node:fs";
import { Ajv, type AnySchema, type ErrorObject, type ValidateFunction } from "ajv";
import { Ajv2019 } from "ajv/dist/2019.js";
import { Ajv2020 } from "ajv/dist/2020.js";
import ajvFormats from "ajv-formats";
import type { FieldError } from "../http-error.ts";

export type MetadataResult = { ok: true; value: Record<string, unknown> } | { ok: false; errors: FieldError[] };
export type MetadataValidator = (value: unknown) => MetadataResult;

/** The cap holds with or without a schema: metadata is copied to the user and sent to the IdP. */
export const maxMetadataBytes = 4096;

const root = "unsafeMetadata";
const variable = "SIGNUP_METADATA_SCHEMA";

/**
 * The validator for a sign-up's unsafeMetadata: any JSON object up to 4 KiB, and, when the operator
 * names a JSON Schema file, one that schema accepts. A bad file throws here, at start-up, rather
 * than turning every sign-up into a 500.
 */
export function loadMetadataValidator(schemaFile: string | undefined): MetadataValidator {
  // An empty variable (`SIGNUP_METADATA_SCHEMA=` in a compose file) means no schema.
  const validate = schemaFile?.trim() ? compileSchemaFile(schemaFile) : undefined;
  return (value) => {
    if (!isObject(value)) return { ok: false, errors: [{ field: root, code: "invalid_type", message: `${root} must be a JSON object.` }] };
    if (Buffer.byteLength(JSON.stringify(value), "utf8") > maxMetadataBytes) {
      return { ok: false, errors: [{ field: root, code: "too_big", message: `${root} must be at most ${maxMetadataBytes} bytes as JSON.` }] };
    }
    if (!validate || validate(value)) return { ok: true, value };
    return { ok: false, errors: (validate.errors ?? []).map(fieldError) };
  };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

function compileSchemaFile(path: string): ValidateFunction {
  let schema: unknown;
  try {
    schema = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(`${variable}: cannot read a JSON Schema from ${path}: ${messageOf(error)}`, { cause: error });
  }
  if (typeof schema !== "boolean" && !isObject(schema)) {
    throw new Error(`${variable}: ${path} is not a JSON Schema (expected an object)`);
  }
  try {
    const ajv = ajvFor(schema);
    // ajv-formats is CommonJS: under NodeNext its default import is the module, the plugin is .default.
    ajvFormats.default(ajv);
    return ajv.compile(schema);
  } catch (error) {
    throw new Error(`${variable}: ${path} is not a valid JSON Schema: ${messageOf(error)}`, { cause: error });
  }
}

/** Ajv's default class speaks draft-07; newer drafts need their own class, chosen by $schema. */
function ajvFor(schema: AnySchema): Ajv {
  const options = { allErrors: true, strict: false };
  const dialect = typeof schema === "object" && typeof schema.$schema === "string" ? schema.$schema : "";
  if (dialect.includes("2020-12")) return new Ajv2020(options);
  if (dialect.includes("2019-09")) return new Ajv2019(options);
  return new Ajv(options);
}

function fieldError(error: ErrorObject): FieldError {
  const path = [root, ...error.instancePath.split("/").slice(1).map(unescapePointer)];
  const named = namedProperty(error);
  const field = [...path, ...(named ? [named] : [])].join(".");
  if (error.keyword === "required" || error.keyword === "dependentRequired" || error.keyword === "dependencies") {
    return { field, code: "required", message: `${field} is required.` };
  }
  if (error.keyword === "additionalProperties" || error.keyword === "unevaluatedProperties") {
    return { field, code: "unknown_field", message: `Unknown field "${field}".` };
  }
  if (error.keyword === "enum" && Array.isArray(error.params.allowedValues)) {
    return { field, code: "enum", message: `${field} must be one of ${error.params.allowedValues.map((v: unknown) => JSON.stringify(v)).join(", ")}.` };
  }
  return { field, code: error.keyword, message: `${field} ${error.message ?? "is invalid"}.` };
}

/** The property an error is about when the instance path stops at its parent object. */
function namedProperty(error: ErrorObject): string | undefined {
  const params: Record<string, unknown> = error.params;
  const name = params.missingProperty ?? params.additionalProperty ?? params.unevaluatedProperty;
  return typeof name === "string" ? name : undefined;
}

/** RFC 6901: "~1" is "/" and "~0" is "~", in that order. */
const unescapePointer = (segment: string) => segment.replaceAll("~1", "/").replaceAll("~0", "~");

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
