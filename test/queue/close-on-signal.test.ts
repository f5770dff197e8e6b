import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { repoRoot } from "@signup/local-infra";

const child = fileURLToPath(new URL("./fixtures/close-on-signal-child.ts", import.meta.url));

/** Starts the child, signals it once it is ready, and reports how it ended. */
function signalChild(signal: NodeJS.Signals, mode: "normal" | "hang"): Promise<{ code: number | null; lines: string[]; ms: number }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ["--import", "tsx", child, mode], { cwd: repoRoot, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    let signalledAt = 0;
    proc.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (!signalledAt && out.includes("ready\n")) {
        signalledAt = Date.now();
        proc.kill(signal);
      }
    });
    proc.on("error", reject);
    proc.on("exit", (code) => resolve({ code, lines: out.trim().split("\n"), ms: Date.now() - signalledAt }));
  });
}

describe("closeOnSignal (in a child process)", () => {
  it("on SIGTERM runs every closer in order, past a failing one, then exits 0", async () => {
    const { code, lines } = await signalChild("SIGTERM", "normal");
    expect([code, lines]).toEqual([0, ["ready", "closed first", "closed last"]]);
  });

  it("does the same on SIGINT", async () => {
    expect((await signalChild("SIGINT", "normal")).code).toBe(0);
  });

  it("exits 1 at the deadline when a closer never finishes, so a deploy never hangs", async () => {
    const { code, lines, ms } = await signalChild("SIGTERM", "hang");
    expect([code, lines]).toEqual([1, ["ready", "closed first"]]);
    expect(ms).toBeGreaterThanOrEqual(450);
    expect(ms).toBeLessThan(5_000);
  });
});
