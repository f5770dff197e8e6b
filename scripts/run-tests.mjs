// `pnpm test`: install from the lockfile, build, type-check, run every vitest suite, and close with
// the one line CI reads: "N passed, N failed[, N skipped]". Exits non-zero on any failure.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";

const run = (command, args) => spawnSync(command, args, { stdio: "inherit", shell: false }).status ?? 1;
const close = (passed, failed, skipped, code) => {
  console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
  process.exit(code);
};

if (run("pnpm", ["install", "--frozen-lockfile", "--reporter=silent"]) !== 0) close(0, 1, 0, 1);
// dist/ of every package and the SDK's browser bundle: the web serves the bundle, and the
// end-to-end test of the build runs the compiled services.
if (run("pnpm", ["build"]) !== 0) {
  console.error("build failed");
  close(0, 1, 0, 1);
}
if (run("pnpm", ["exec", "tsc", "-p", "tsconfig.json", "--noEmit"]) !== 0) {
  console.error("type-check failed");
  close(0, 1, 0, 1);
}
// One lint and format tool (Biome, no warnings) and the architecture's import rules (dependency-cruiser).
if (run("pnpm", ["lint"]) !== 0) {
  console.error("lint failed: run `pnpm exec biome check --write .` for formatting, and see the rule named above");
  close(0, 1, 0, 1);
}

mkdirSync(".test-results", { recursive: true });
const report = ".test-results/vitest.json";
rmSync(report, { force: true });
const code = run("pnpm", ["exec", "vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...process.argv.slice(2)]);

if (!existsSync(report)) close(0, 1, 0, code || 1);
const results = JSON.parse(readFileSync(report, "utf8"));
const failedSuites = results.testResults.filter((file) => file.status === "failed" && file.assertionResults.length === 0).length;
const failed = results.numFailedTests + failedSuites;
close(results.numPassedTests, failed, results.numPendingTests + results.numTodoTests, code !== 0 || failed > 0 ? 1 : 0);
