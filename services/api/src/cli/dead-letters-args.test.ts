import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { repoRoot } from "@signup/local-infra";
import { parseDeadLettersArgs, usage } from "./dead-letters-args.ts";

describe("dead-letters arguments", () => {
  it("reads list, with or without a queue", () => {
    expect(parseDeadLettersArgs(["list"])).toEqual({ command: "list" });
    expect(parseDeadLettersArgs(["list", "--queue", "mail"])).toEqual({ command: "list", queue: "mail" });
    expect(parseDeadLettersArgs(["list", "--queue=mail"])).toEqual({ command: "list", queue: "mail" });
  });

  it("reads replay with its queue and job id", () => {
    expect(parseDeadLettersArgs(["replay", "provisioning", "job-1"])).toEqual({ command: "replay", queue: "provisioning", jobId: "job-1" });
  });

  it("answers help for --help and -h, whatever else is there", () => {
    expect(parseDeadLettersArgs(["--help"])).toEqual({ command: "help" });
    expect(parseDeadLettersArgs(["-h"])).toEqual({ command: "help" });
    expect(parseDeadLettersArgs(["replay", "--help"])).toEqual({ command: "help" });
  });

  it("turns unknown options, missing or extra arguments into an error, never a throw", () => {
    for (const argv of [
      [],
      ["--bogus"],
      ["list", "-x"],
      ["list", "--queue"],
      ["list", "extra"],
      ["replay", "provisioning"],
      ["replay", "q", "j", "more"],
      ["replay", "q", "j", "--queue", "q"],
      ["purge"],
    ]) {
      expect(parseDeadLettersArgs(argv), argv.join(" ")).toEqual({ error: expect.any(String) });
    }
    expect(parseDeadLettersArgs(["--bogus"])).toEqual({ error: expect.stringContaining("--bogus") });
  });
});

describe("the dead-letters command", () => {
  const run = promisify(execFile);
  const tsx = createRequire(`${repoRoot}package.json`).resolve("tsx");
  const cli = (args: string[]) =>
    run(process.execPath, ["--import", tsx, "services/api/src/cli/dead-letters.ts", ...args], {
      cwd: repoRoot,
      encoding: "utf8",
      env: { ...process.env, ADMIN_TOKEN: "" },
    });

  it("prints its usage for --help and exits 0, with no admin token needed", async () => {
    const { stdout, stderr } = await cli(["--help"]);
    expect(stderr).toBe("");
    expect(stdout).toContain(usage);
  });

  it("refuses an unknown option with the usage line and exit code 2, no stack trace", async () => {
    const failed = await cli(["--bogus"]).then(
      () => undefined,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failed?.code).toBe(2);
    expect(failed?.stderr).toContain(usage);
    expect(failed?.stderr).not.toMatch(/\n\s+at /);
    expect(failed?.stdout).toBe("");
  });
});
