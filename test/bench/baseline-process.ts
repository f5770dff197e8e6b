import { spawn } from "node:child_process";
import { freePort, repoRoot, serviceHeapFlags, waitUntil } from "@signup/local-infra";
import { tsxLoader } from "./load-process.ts";

export type BaselineServer = { url: string; pid: number; stop(): Promise<void> };

/**
 * The bare fastify + postgres.js route (baseline-server.ts), as a process of its own on its own
 * database, under the heap caps the services run with: a figure beside it shows what our layers
 * cost, not the caps. SERVICE_NODE_ARGS reaches it as it reaches the services (e.g. --cpu-prof).
 */
export async function startBaseline(databaseUrl: string): Promise<BaselineServer> {
  const port = await freePort();
  const nodeArgs = (process.env.SERVICE_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, ...serviceHeapFlags, "--import", tsxLoader, "test/bench/baseline-server.ts"], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port) },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(async () => {
    if (child.exitCode !== null) throw new Error(`the baseline server exited with ${child.exitCode}`);
    return (await fetch(`${url}/healthz`)).ok;
  }, { timeoutMs: 30_000, intervalMs: 200, what: "the baseline server" });
  if (child.pid === undefined) throw new Error("the baseline server did not start");
  return {
    url,
    pid: child.pid,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
