// Bundles the SDK for browsers: `node packages/client/build.mjs` (from any directory) or `pnpm build`.
// Paths come from this file's location, not the working directory, so other scripts can run or
// import it from wherever they are.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const packageDir = fileURLToPath(new URL(".", import.meta.url));

await build({
  absWorkingDir: packageDir,
  entryPoints: ["src/index.ts"],
  outfile: "dist/signup-client.js",
  bundle: true,
  format: "esm",
  platform: "browser",
  // ES2020: optional chaining and ?? stay native; older browsers are not a target.
  target: "es2020",
  sourcemap: "linked",
  minify: false,
  logLevel: "warning",
});
