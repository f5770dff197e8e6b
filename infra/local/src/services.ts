import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { setPriority } from "node:os";
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

/**
 * V8's default heap sizing lets a service grow to 200-280 MB under load (a 32 MB young generation,
 * an old generation collected late). Their live data is a few tens of MB (the API's most, with
 * its password list), so these caps keep each near 90-125 MB at load, and the API within 150 MB
 * with two password hashes in flight. Measured in `pnpm bench`: at a 64 MB old generation the API
 * spent most of its time collecting garbage; 4 MB semi-spaces cost no CPU measurable against 8 once
 * the hot statements stopped being rebuilt per request (2.9 ms of API CPU per sign-up either way)
 * and save ~10 MB per process. The image sets the same in NODE_OPTIONS; the tsx runtime of the
 * tests, which also holds a compiler, runs without them.
 */
export const serviceHeapFlags = ["--max-old-space-size=128", "--max-semi-space-size=4"] as const;

/**
 * On one machine the API answers people while the rest work through queues: the background
 * services run at this lower CPU priority, so a burst in the pipeline delays mail by milliseconds
 * rather than sign-up answers. (Across machines, Kubernetes' CPU requests do the same.) The bench
 * gives its background load the same priority.
 */
export const backgroundNice = 10;
const interactive: ReadonlySet<ServiceName> = new Set(["api", "web"]);

/** The preload that stops a service whose supervisor is gone (exit-with-supervisor.ts), as each runtime loads it. */
const exitWithSupervisor = (runtime: ServiceRuntime) =>
  runtime === "dist" ? `${repoRoot}infra/local/dist/exit-with-supervisor.js` : `${repoRoot}infra/local/src/exit-with-supervisor.ts`;

export function serviceCommand(name: ServiceName, runtime: ServiceRuntime): string[] {
  return runtime === "dist"
    ? ["--conditions=production", "--enable-source-maps", ...serviceHeapFlags, "--import", exitWithSupervisor(runtime), `services/${name}/dist/main.js`]
    : ["--import", tsxLoader, "--import", exitWithSupervisor(runtime), `services/${name}/src/main.ts`];
}

/** Runs one service as its own OS process (SERVICE_RUNTIME=dist: the compiled build). */
export function spawnService(name: ServiceName, env: Record<string, string>, output: (name: string, chunk: Buffer) => void = () => {}): ServiceProcess {
  // SERVICE_NODE_ARGS adds node flags to every service, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (env.SERVICE_NODE_ARGS ?? process.env.SERVICE_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const runtime = (env.SERVICE_RUNTIME ?? process.env.SERVICE_RUNTIME) === "dist" ? "dist" : "source";
  const child = spawn(process.execPath, [...nodeArgs, ...serviceCommand(name, runtime)], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    // The IPC channel carries nothing: its closing tells the service its supervisor is gone.
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  // Like the heap caps, for the compiled services only: the tests' tsx processes keep the timing
  // their fault tests were written against.
  if (runtime === "dist" && child.pid !== undefined && !interactive.has(name)) setPriority(child.pid, backgroundNice);
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
