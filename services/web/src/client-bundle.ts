import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

/**
 * The browser build of @signup/client (`pnpm build`), through the package's own "./bundle" export
 * so the web serves exactly the file the SDK publishes. require.resolve throws while the file is
 * not built; the path is then the one the build will write, for the message below.
 */
export function clientBundlePath(): string {
  try {
    return createRequire(import.meta.url).resolve("@signup/client/bundle");
  } catch {
    return fileURLToPath(new URL("../../../packages/client/dist/signup-client.js", import.meta.url));
  }
}

/** For main.ts: without the bundle no page can be enhanced, so refuse to start and say why. */
export function clientBundlePathOrExit(path = clientBundlePath()): string {
  if (!existsSync(path)) {
    process.stderr.write("web: packages/client/dist/signup-client.js is missing; run pnpm build\n");
    process.exit(78); // EX_CONFIG, as for a bad configuration
  }
  return path;
}
