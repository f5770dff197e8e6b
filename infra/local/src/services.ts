import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const tsxLoader = createRequire(`${repoRoot}package.json`).resolve("tsx");

/** Every service `pnpm start` runs, each a process of its own (services/<name>/src/main.ts). */
export const serviceNames = ["api", "relay", "provisioner", "mailer", "onboarding", "sms", "lifecycle", "web"] as const;
export type ServiceName = (typeof serviceNames)[number];

/**
 * The pipeline itself, what a test stack starts unless told otherwise. The web front-end, the SMS
 * worker and the lifecycle sweep are opt-in there (`only`): most tests drive the API's mail flow
 * directly, and every extra process costs CPU on a 2-core CI.
 */
export const pipelineServiceNames = ["api", "relay", "provisioner", "mailer", "onboarding"] as const satisfies readonly ServiceName[];

export type ServiceProcess = {
  name: string;
  process: ChildProcess;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<void>;
};

/**
 * How a service runs: "source" straight from TypeScript through tsx (tests, no build needed), or
 * "dist", the compiled JavaScript of `pnpm build` as production runs it (`pnpm start`, and the
 * end-to-end test of the build).
 */
export type ServiceRuntime = "source" | "dist";

export function serviceCommand(name: ServiceName, runtime: ServiceRuntime): string[] {
  return runtime === "dist"
    ? ["--conditions=production", "--enable-source-maps", `services/${name}/dist/main.js`]
    : ["--import", tsxLoader, `services/${name}/src/main.ts`];
}

/** Runs one service as its own OS process (SERVICE_RUNTIME=dist: the compiled build). */
export function spawnService(name: ServiceName, env: Record<string, string>, output: (name: string, chunk: Buffer) => void = () => {}): ServiceProcess {
  // SERVICE_NODE_ARGS adds node flags to every service, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (env.SERVICE_NODE_ARGS ?? process.env.SERVICE_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const runtime = (env.SERVICE_RUNTIME ?? process.env.SERVICE_RUNTIME) === "dist" ? "dist" : "source";
  const child = spawn(process.execPath, [...nodeArgs, ...serviceCommand(name, runtime)], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk: Buffer) => output(name, chunk));
  child.stderr?.on("data", (chunk: Buffer) => output(name, chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    name,
    process: child,
    exited,
    async stop(signal = "SIGTERM") {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
