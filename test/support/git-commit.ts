import { execFileSync } from "node:child_process";
import { repoRoot } from "@signup/local-infra";

/**
 * The checkout a bench or chaos report measured: its commit, and whether anything differed from
 * it. bench/results is left out: earlier reports lying there (uncommitted until quoted) change
 * nothing that runs.
 */
export function gitCommit(): { commit: string; dirty: boolean } {
  const git = (...args: string[]) => execFileSync("git", ["--no-optional-locks", ...args], { cwd: repoRoot, encoding: "utf8" }).trim();
  try {
    return { commit: git("rev-parse", "--short", "HEAD"), dirty: git("status", "--porcelain", "--", ".", ":(exclude)bench/results").length > 0 };
  } catch {
    return { commit: "unknown", dirty: false }; // not a git checkout
  }
}
