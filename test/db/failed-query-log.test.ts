import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { sql } from "@signup/db";
import { createLogger } from "@signup/logger";
import { createTestDatabase } from "@signup/test";

/** What a service's log line says of `err`, as written. */
function logLine(err: unknown): string {
  const lines: string[] = [];
  const sink = new Writable({
    write: (chunk, _encoding, done) => {
      lines.push(chunk.toString());
      done();
    },
  });
  createLogger({ name: "t", level: "info" }, sink).error({ err }, "unhandled error");
  return lines.join("");
}

/**
 * drizzle wraps a failed statement's error with the statement and, unpatched, its values in the
 * message, the stack and an enumerable `params`: a password's hash or an address in the log of
 * every database failure. patches/drizzle-orm@0.45.4.patch keeps them out; the driver's error
 * (the cause, with its SQLSTATE) still says what failed.
 */
describe("a failed statement in the logs", () => {
  it("names the statement and the database's error, never the values", async () => {
    const database = await createTestDatabase();
    try {
      const secret = "$argon2id$v=19$m=9216,t=4,p=1$c2FsdHNhbHQ$SECRETHASHSECRETHASH";
      const error = await database.db.execute(sql`insert into no_such_table (password_hash) values (${secret})`).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(Error);
      const line = logLine(error);
      expect(line).not.toContain("SECRETHASH");
      expect(line).toContain("Failed query: insert into no_such_table");
      expect(JSON.parse(line)).toMatchObject({ err: { message: expect.stringContaining('relation "no_such_table" does not exist') } });
      expect((error as { cause?: { code?: string } }).cause?.code).toBe("42P01");
    } finally {
      await database.drop();
    }
  });
});
