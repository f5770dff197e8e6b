import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { repoRoot, waitUntil } from "@signup/local-infra";

const supervisor = fileURLToPath(new URL("./fixtures/short-lived-supervisor.ts", import.meta.url));

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * `pnpm start` stops its services on Ctrl+C, but a supervisor killed outright (kill -9, the OOM
 * killer) can stop nothing: its services ran on, holding their ports and taking jobs, and the next
 * `pnpm start` found port 3000 taken. Each service now gets the SIGTERM it would have had, from
 * its own preload, when the IPC channel to its supervisor closes.
 */
describe("a service whose supervisor is killed outright", () => {
  it("gets SIGTERM and stops", async () => {
    const marker = join(tmpdir(), `supervisor-gone-${randomBytes(4).toString("hex")}`);
    const proc = spawn(process.execPath, ["--import", "tsx", supervisor, marker], { cwd: repoRoot, stdio: ["ignore", "pipe", "inherit"] });
    let childPid = 0;
    try {
      childPid = await new Promise<number>((resolve, reject) => {
        let out = "";
        proc.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString();
          const pid = /child (\d+)/.exec(out)?.[1];
          if (pid) resolve(Number(pid));
        });
        proc.on("exit", (code) => reject(new Error(`the supervisor exited (${code}) before starting its child`)));
      });
      expect(alive(childPid)).toBe(true);
      proc.kill("SIGKILL");
      await waitUntil(async () => !alive(childPid), { timeoutMs: 10_000, what: "the child to stop" });
      expect(existsSync(marker) ? readFileSync(marker, "utf8") : "no SIGTERM").toBe("SIGTERM");
    } finally {
      if (childPid && alive(childPid)) process.kill(childPid, "SIGKILL");
      rmSync(marker, { force: true });
    }
  }, 30_000);
});
