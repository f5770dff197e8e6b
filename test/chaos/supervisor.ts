import type { ChildProcess } from "node:child_process";
import type { ServiceName, ServiceProcess } from "@signup/local-infra";
import type { Stack } from "../support/stack.ts";

/** An exit nobody asked for: the process died by itself (a driver crash, an unhandled error). */
export type Crash = { service: ServiceName; pid: number | undefined; code: number | null; signal: NodeJS.Signals | null; at: number; uptimeMs: number };

export type Supervisor = {
  /** Kills the service's current process (SIGKILL unless told otherwise) and starts its replacement at once. */
  kill(name: ServiceName, signal?: NodeJS.Signals): Promise<{ killedPid: number | undefined; replacementPid: number | undefined }>;
  readonly crashes: readonly Crash[];
  /** The stack's processes still running (for a last-resort kill when the run itself dies). */
  running(): ChildProcess[];
  /** From now on an exit is expected (the stack is being stopped): nothing is restarted or counted. */
  stop(): void;
};

/** A process that dies faster than this after its start is restarted only after a pause, and at most this often. */
const quickDeathMs = 5_000;
const maxRestartsPerService = 10;

/**
 * Keeps one process of each service running, as an orchestrator would: an exit we did not cause is
 * a crash, counted and followed by a replacement; a process we killed is replaced by kill() itself.
 */
export function superviseStack(stack: Stack, log: (line: string) => void): Supervisor {
  const crashes: Crash[] = [];
  const intended = new WeakSet<ServiceProcess>();
  const all: ServiceProcess[] = [];
  const current = new Map<ServiceName, ServiceProcess>();
  const restarts = new Map<ServiceName, number>();
  let stopping = false;

  const start = (name: ServiceName): ServiceProcess => {
    const service = stack.spawnAnother(name);
    watch(name, service);
    return service;
  };

  function watch(name: ServiceName, service: ServiceProcess): void {
    const startedAt = Date.now();
    current.set(name, service);
    all.push(service);
    service.process.once("exit", (code, signal) => {
      if (stopping || intended.has(service)) return;
      const uptimeMs = Date.now() - startedAt;
      crashes.push({ service: name, pid: service.process.pid, code, signal, at: Date.now(), uptimeMs });
      const count = (restarts.get(name) ?? 0) + 1;
      restarts.set(name, count);
      log(
        `supervisor: ${name} (pid ${service.process.pid}) exited by itself (code ${code}, signal ${signal}) after ${(uptimeMs / 1_000).toFixed(1)} s; see ${stack.logFile}`,
      );
      if (count > maxRestartsPerService) {
        log(`supervisor: ${name} crashed ${count} times; not restarting it again`);
        return;
      }
      const delay = uptimeMs < quickDeathMs ? 1_000 : 0;
      setTimeout(() => {
        if (!stopping) start(name);
      }, delay).unref();
    });
  }

  for (const [name, service] of stack.services) watch(name, service);

  return {
    async kill(name, signal = "SIGKILL") {
      const victim = current.get(name);
      if (!victim) throw new Error(`no ${name} process to kill`);
      intended.add(victim);
      const killedPid = victim.process.pid;
      if (victim.process.exitCode === null && victim.process.signalCode === null) {
        victim.process.kill(signal);
        await victim.exited;
      }
      const replacement = start(name);
      return { killedPid, replacementPid: replacement.process.pid };
    },
    get crashes() {
      return crashes;
    },
    // Only children not yet exited: a pid of ours that has been reaped may belong to somebody else by now.
    running: () => all.map((service) => service.process).filter((child) => child.exitCode === null && child.signalCode === null),
    stop() {
      stopping = true;
    },
  };
}
