import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const serviceDir = fileURLToPath(new URL("..", import.meta.url));

/** main.ts as an operator runs it: a bad SMS_URL stops it before it connects to anything. */
describe("sms start-up", () => {
  it("exits 78 with one clear line for an unknown SMS_URL scheme, without echoing the URL", () => {
    const result = spawnSync(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: serviceDir,
      encoding: "utf8",
      timeout: 30_000,
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: "postgres://nobody@127.0.0.1:1/none",
        REDIS_URL: "redis://127.0.0.1:1",
        SMS_URL: "vonage://key:hunter2@+15550000000",
        SMS_CONCURRENCY: "0",
      },
    });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain("sms: invalid configuration:");
    expect(result.stderr).toContain('  - SMS_URL: unknown scheme "vonage"; use log://, log:///absolute/path/file.jsonl or twilio://');
    expect(result.stderr).toContain("  - SMS_CONCURRENCY: ");
    expect(result.stderr).not.toContain("hunter2");
  });
});
