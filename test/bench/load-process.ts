import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { createInterface } from "node:readline";
import { repoRoot } from "@signup/local-infra";
import type { LoadConfig } from "./load/protocol.ts";

// Resolved as infra/local/src/services.ts does, so the load runs under the same tsx as the services.
export const tsxLoader = createRequire(`${repoRoot}package.json`).resolve("tsx");

export type LoadProcess<R> = {
  process: ChildProcess;
  result: Promise<R>;
  /** Whether the result has arrived (or the process is gone). */
  finished(): boolean;
  /** Resolves when the process prints {"event": name}. */
  event(name: string): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
};

/** Spawns test/bench/load/loadgen.ts with `config`; its stderr becomes progress lines under `label`. */
export function spawnLoad<R>(label: string, config: LoadConfig, progress: (line: string) => void): LoadProcess<R> {
  const child = spawn(process.execPath, ["--import", tsxLoader, "test/bench/load/loadgen.ts", JSON.stringify(config)], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const { stdout, stderr } = child as typeof child & { stdout: NodeJS.ReadableStream; stderr: NodeJS.ReadableStream };
  const events = new Map<string, Array<(data: Record<string, unknown>) => void>>();
  const seen = new Map<string, Record<string, unknown>>();
  const lastErrors: string[] = [];
  let result: R | undefined;
  let settle: { resolve(value: R): void; reject(error: Error): void } | undefined;
  // Settled by the result line, not by the exit: an e2e load keeps its SMTP sink up until stopped.
  const resultPromise = new Promise<R>((resolve, reject) => (settle = { resolve, reject }));
  createInterface({ input: stdout }).on("line", (line) => {
    let message: { event?: string; result?: R };
    try {
      message = JSON.parse(line) as typeof message;
    } catch {
      return progress(`[${label}] ${line}`);
    }
    if (message.result !== undefined) {
      result = message.result;
      settle?.resolve(message.result);
    }
    if (message.event) {
      seen.set(message.event, message as Record<string, unknown>);
      for (const resolve of events.get(message.event) ?? []) resolve(message as Record<string, unknown>);
    }
  });
  createInterface({ input: stderr }).on("line", (line) => {
    lastErrors.push(line);
    if (lastErrors.length > 20) lastErrors.shift();
    progress(`[${label}] ${line}`);
  });
  // "close", not "exit": the result line may still be in the stdout pipe when the process exits.
  const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  void exited.then((code) => {
    if (result === undefined) settle?.reject(new Error(`load generator ${label} exited with ${code} and no result:\n${lastErrors.join("\n")}`));
  });
  // A caller that never awaits the result (a stopped background load) must not crash the suite.
  resultPromise.catch(() => {});
  return {
    process: child,
    result: resultPromise,
    finished: () => result !== undefined || child.exitCode !== null || child.signalCode !== null,
    event: (name) => {
      const already = seen.get(name);
      if (already) return Promise.resolve(already);
      return new Promise((resolve, reject) => {
        events.set(name, [...(events.get(name) ?? []), resolve]);
        void exited.then((code) => reject(new Error(`load generator ${label} exited with ${code} before "${name}"`)));
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      await exited;
    },
  };
}
