import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createTestDatabase } from "@signup/test";

/** Runs `script` (beside this file) against a fresh database; what it printed and how it exited. */
async function runAgainstDatabase(script: string): Promise<{ stdout: string; status: number | null }> {
  const database = await createTestDatabase();
  try {
    const run = spawnSync(process.execPath, [fileURLToPath(new URL(script, import.meta.url)), database.url], { encoding: "utf8", timeout: 20_000 });
    return { stdout: run.stdout.trim(), status: run.status };
  } finally {
    await database.drop();
  }
}

/**
 * Two faults of postgres.js 3.4.9 that patches/postgres@3.4.9.patch (applied by pnpm) mends; each
 * script runs in a process of its own, since unpatched the fault kills the process.
 *
 * postgres.js 3.4.9 throws from a setImmediate when a buffered write runs after its socket closed
 * (upstream issues #1066, #1154, #1208), which kills any service whose backend PostgreSQL
 * terminates. The patch settles the query with CONNECTION_CLOSED instead. Unpatched,
 * terminated-backend.mjs exits 3 with "uncaught: Cannot read properties of null (reading 'write')".
 *
 * sql.begin() reserves its connection only if the BEGIN did not fill the connection's pipeline
 * (upstream #1189, #1210): otherwise it throws a TypeError nobody can catch, and the server keeps
 * the transaction open on a pooled connection, where other statements run and are never
 * committed. Unpatched, begin-at-pipeline-boundary.mjs exits 3 with "uncaught: Cannot set
 * properties of undefined (setting 'onclose')".
 */
describe("the patched PostgreSQL driver", () => {
  it("rejects a query on a terminated backend instead of crashing the process", async () => {
    expect(await runAgainstDatabase("./terminated-backend.mjs")).toEqual({ stdout: "rejected: CONNECTION_CLOSED", status: 0 });
  });

  it("reserves the connection for a transaction whose BEGIN fills the pipeline", async () => {
    expect(await runAgainstDatabase("./begin-at-pipeline-boundary.mjs")).toEqual({
      stdout: "begin: ok; the next statement ran outside a transaction",
      status: 0,
    });
  });
});
