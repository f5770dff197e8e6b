// `pnpm build`: every workspace package's src/ to plain JavaScript in dist/ (what production runs:
// `node --conditions=production services/<name>/dist/main.js`, and `pnpm start` its supervisor,
// infra/local/dist/start.js), then the SDK's browser bundle.
// esbuild transpiles file by file and keeps the layout, so each package resolves its own
// dependencies at run time as pnpm laid them out. Type checking is tsc's job, not the build's.
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const workspaces = ["packages", "services", "infra"].flatMap((group) =>
  readdirSync(join(root, group))
    .map((name) => join(root, group, name))
    .filter((dir) => existsSync(join(dir, "src")) && existsSync(join(dir, "package.json"))),
);

function sources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith(".ts") && !name.endsWith(".test.ts") ? [path] : [];
  });
}

// Our sources import each other as "./file.ts"; node needs "./file.js". Same length, so the source
// maps stay exact.
const relativeTs = /((?:from|import)\s*\(?\s*["'])(\.{1,2}\/[^"']+)\.ts(["'])/g;

const started = performance.now();
let files = 0;
for (const dir of workspaces) {
  const entryPoints = sources(join(dir, "src"));
  rmSync(join(dir, "dist"), { recursive: true, force: true });
  const result = await build({
    absWorkingDir: dir,
    entryPoints,
    outdir: "dist",
    outbase: "src",
    format: "esm",
    platform: "node",
    target: "node20",
    sourcemap: "linked",
    write: false,
    logLevel: "warning",
  });
  for (const output of result.outputFiles) {
    mkdirSync(dirname(output.path), { recursive: true });
    writeFileSync(output.path, output.path.endsWith(".js") ? output.text.replace(relativeTs, "$1$2.js$3") : output.text);
  }
  files += entryPoints.length;
}
await import(join(root, "packages/client/build.mjs"));
process.stdout.write(`build: ${files} files of ${workspaces.length} packages to dist/, and the SDK bundle, in ${Math.round(performance.now() - started)} ms\n`);
