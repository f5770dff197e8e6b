import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "@signup/logger";
import { logFileProvider, logProvider } from "./log.ts";

describe("log providers (development)", () => {
  it("log:// writes the body and only the masked number to the service log", async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString("utf8"));
        done();
      },
    });
    const provider = logProvider(createLogger({ name: "sms", level: "info" }, destination));
    const { id } = await provider.send({ to: "+15555550123", body: "123456 is your Acme verification code." });
    expect(id).toMatch(/^log-/);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? "{}")).toMatchObject({ level: 30, to: "+1555•••0123", body: "123456 is your Acme verification code.", messageId: id });
    expect(lines[0]).not.toContain("5555550123");
  });

  it("log:///path appends one JSON line per message, creating the directories", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sms-log-"));
    try {
      const path = join(dir, "nested", ".data", "dev-sms.jsonl");
      const provider = logFileProvider(path);
      await Promise.all([provider.send({ to: "+15555550123", body: "one" }), provider.send({ to: "+447911123456", body: "two" })]);
      const rows = (await readFile(path, "utf8"))
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(rows.map((row) => [row.to, row.body]).sort()).toEqual([
        ["+15555550123", "one"],
        ["+447911123456", "two"],
      ]);
      expect(Number.isNaN(Date.parse(String(rows[0]?.at)))).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
