import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { repoRoot } from "@signup/local-infra";

const fixture = fileURLToPath(new URL("./fixtures/log-then-exit.ts", import.meta.url));

/**
 * pino flushes its stdout synchronously at exit, and sonic-boom 4.2.1 retried a write that failed
 * with anything but EAGAIN every 100 ms for ever: a service whose stdout reader was gone (its
 * supervisor killed outright) never finished exiting. patches/sonic-boom@4.2.1.patch throws
 * instead, as sonic-boom 5 does.
 */
describe("a service logging to a stdout nobody reads any more", () => {
  it("still exits", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", fixture], { cwd: repoRoot, stdio: ["pipe", "pipe", "pipe"] });
    const exited = new Promise<number | null | "hung">((resolve) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        resolve("hung");
      }, 10_000);
      child.on("exit", (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
    child.stderr.once("data", () => {
      child.stdout.destroy();
      // After the reader is gone, so that the lines meet a broken pipe.
      setTimeout(() => child.stdin.write("go\n"), 200);
    });
    expect(await exited).toBe(0);
  }, 20_000);
});
