import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createTestDatabase } from "@signup/test";

/**
 * postgres.js 3.4.9 throws from a setImmediate when a buffered write runs after its socket closed
 * (upstream issues #1066, #1154, #1208), which kills any service whose backend PostgreSQL
 * terminates. patches/postgres@3.4.9.patch (applied by pnpm) settles the query with
 * CONNECTION_CLOSED instead. Unpatched, this script exits 3 with "uncaught: Cannot read
 * properties of null (reading 'write')".
 */
describe("the patched PostgreSQL driver", () => {
  it("rejects a query on a terminated backend instead of crashing the process", async () => {
    const database = await createTestDatabase();
    try {
      const script = fileURLToPath(new URL("./terminated-backend.mjs", import.meta.url));
      const run = spawnSync(process.execPath, [script, database.url], { encoding: "utf8", timeout: 20_000 });
      expect(run.stdout.trim()).toBe("rejected: CONNECTION_CLOSED");
      expect(run.status).toBe(0);
    } finally {
      await database.drop();
    }
  });
});
