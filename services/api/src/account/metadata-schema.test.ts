import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadMetadataValidator, maxMetadataBytes } from "./metadata-schema.ts";

const dir = mkdtempSync(join(tmpdir(), "metadata-schema-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function schemaFile(content: unknown): string {
  const path = join(dir, `schema-${++files}.json`);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

/** An object whose JSON is exactly `bytes` long. */
const objectOfBytes = (bytes: number) => ({ pad: "x".repeat(bytes - '{"pad":""}'.length) });

const companySchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    plan: { enum: ["free", "pro"] },
    contact: { type: "string", format: "email" },
    company: {
      type: "object",
      required: ["name"],
      properties: { name: { type: "string" }, size: { type: "integer", minimum: 1 } },
    },
  },
};

describe("unsafeMetadata without a schema", () => {
  const validate = loadMetadataValidator(undefined);

  it("accepts any JSON object and hands it back", () => {
    const value = { plan: "pro", seats: 3, nested: { list: [1, "two", null] } };
    expect(validate(value)).toEqual({ ok: true, value });
    expect(validate({})).toEqual({ ok: true, value: {} });
  });

  it("rejects anything that is not an object", () => {
    for (const value of [null, [], ["a"], "text", 3, true, undefined]) {
      expect(validate(value)).toEqual({ ok: false, errors: [{ field: "unsafeMetadata", code: "invalid_type", message: expect.any(String) }] });
    }
  });

  it("caps the JSON at 4096 bytes, counted in UTF-8", () => {
    expect(validate(objectOfBytes(maxMetadataBytes)).ok).toBe(true);
    expect(validate(objectOfBytes(maxMetadataBytes + 1))).toEqual({
      ok: false,
      errors: [{ field: "unsafeMetadata", code: "too_big", message: "unsafeMetadata must be at most 4096 bytes as JSON." }],
    });
    // 1,500 characters, 3,000 bytes: over the cap only when bytes are counted.
    expect(validate({ a: "é".repeat(1_500), b: "é".repeat(1_000) }).ok).toBe(false);
  });

  it("treats an empty variable as no schema", () => {
    expect(loadMetadataValidator("")({ anything: 1 }).ok).toBe(true);
  });
});

describe("unsafeMetadata with SIGNUP_METADATA_SCHEMA", () => {
  it("accepts what the schema accepts", () => {
    const validate = loadMetadataValidator(schemaFile(companySchema));
    const value = { plan: "pro", contact: "ada@example.test", company: { name: "Analytical", size: 3 } };
    expect(validate(value)).toEqual({ ok: true, value });
  });

  it("reports every problem as a field error in dot form, coded by keyword", () => {
    const validate = loadMetadataValidator(schemaFile(companySchema));
    const result = validate({ plan: "gold", contact: "not-an-email", company: { size: 0 }, extra: true });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual(
      expect.arrayContaining([
        { field: "unsafeMetadata.extra", code: "unknown_field", message: 'Unknown field "unsafeMetadata.extra".' },
        { field: "unsafeMetadata.plan", code: "enum", message: 'unsafeMetadata.plan must be one of "free", "pro".' },
        { field: "unsafeMetadata.contact", code: "format", message: 'unsafeMetadata.contact must match format "email".' },
        { field: "unsafeMetadata.company.name", code: "required", message: "unsafeMetadata.company.name is required." },
        { field: "unsafeMetadata.company.size", code: "minimum", message: "unsafeMetadata.company.size must be >= 1." },
      ]),
    );
    expect(result.errors).toHaveLength(5);
  });

  it("names the type a field must have", () => {
    const validate = loadMetadataValidator(schemaFile(companySchema));
    expect(validate({ company: { name: "A", size: "big" } })).toEqual({
      ok: false,
      errors: [{ field: "unsafeMetadata.company.size", code: "type", message: "unsafeMetadata.company.size must be integer." }],
    });
  });

  it("still enforces the object type and the 4 KiB cap", () => {
    const validate = loadMetadataValidator(schemaFile({ type: "object" }));
    expect(validate(["a"])).toMatchObject({ ok: false, errors: [{ code: "invalid_type" }] });
    expect(validate(objectOfBytes(maxMetadataBytes + 1))).toMatchObject({ ok: false, errors: [{ field: "unsafeMetadata", code: "too_big" }] });
  });

  it("reads a 2020-12 schema with the 2020-12 vocabulary", () => {
    const validate = loadMetadataValidator(
      schemaFile({
        $schema: "https://json-schema.org/draft/2020-12/schema",
        type: "object",
        properties: { tags: { type: "array", prefixItems: [{ type: "string" }], items: false } },
        unevaluatedProperties: false,
      }),
    );
    expect(validate({ tags: ["a"] }).ok).toBe(true);
    expect(validate({ tags: ["a", "b"], other: 1 })).toMatchObject({
      ok: false,
      errors: expect.arrayContaining([
        { field: "unsafeMetadata.tags", code: "items", message: expect.any(String) },
        { field: "unsafeMetadata.other", code: "unknown_field", message: expect.any(String) },
      ]),
    });
  });

  it("unescapes JSON Pointer segments in field names", () => {
    const validate = loadMetadataValidator(
      schemaFile({ type: "object", properties: { "a/b": { type: "object", properties: { "c~d": { type: "number" } } } } }),
    );
    expect(validate({ "a/b": { "c~d": "x" } })).toMatchObject({ ok: false, errors: [{ field: "unsafeMetadata.a/b.c~d", code: "type" }] });
  });
});

describe("a bad SIGNUP_METADATA_SCHEMA stops the start-up, naming the variable and the file", () => {
  it("a missing file", () => {
    const path = join(dir, "missing.json");
    expect(() => loadMetadataValidator(path)).toThrow(`SIGNUP_METADATA_SCHEMA: cannot read a JSON Schema from ${path}`);
  });

  it("a file that is not JSON", () => {
    const path = schemaFile("{ type: object");
    expect(() => loadMetadataValidator(path)).toThrow(`SIGNUP_METADATA_SCHEMA: cannot read a JSON Schema from ${path}`);
  });

  it("JSON that is not a schema", () => {
    const path = schemaFile([{ type: "object" }]);
    expect(() => loadMetadataValidator(path)).toThrow(`SIGNUP_METADATA_SCHEMA: ${path} is not a JSON Schema`);
  });

  it("a schema the meta-schema rejects", () => {
    const path = schemaFile({ type: "objekt" });
    expect(() => loadMetadataValidator(path)).toThrow(`SIGNUP_METADATA_SCHEMA: ${path} is not a valid JSON Schema`);
  });

  it("an unknown dialect", () => {
    const path = schemaFile({ $schema: "http://json-schema.org/draft-04/schema#", type: "object" });
    expect(() => loadMetadataValidator(path)).toThrow(`SIGNUP_METADATA_SCHEMA: ${path} is not a valid JSON Schema`);
  });
});
