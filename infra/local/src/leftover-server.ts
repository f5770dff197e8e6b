import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** The process's parent and command line, or undefined when no such process runs (or ps cannot see it). */
function processOf(pid: number): { parent: number; command: string } | undefined {
  const result = spawnSync("ps", ["-o", "ppid=,args=", "-p", String(pid)], { encoding: "utf8" });
  const match = result.status === 0 ? /^\s*(\d+)\s+(.+)$/.exec(result.stdout.trim()) : null;
  return match ? { parent: Number(match[1]), command: match[2]! } : undefined;
}

/** The supervisor's own script (infra/local/dist/start.js, or src/start.ts under tsx). */
const supervisorScript = /infra\/local\/(dist|src)\/start\.(js|ts)/;

function pidIn(pidFile: string): number | undefined {
  try {
    const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, under another user (the `postgres` user embedded PostgreSQL runs as under root).
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function gone(pid: number): Promise<void> {
  while (alive(pid)) await new Promise((resolve) => setTimeout(resolve, 100));
}

/** Resolves once the process named by `pidFile`'s first line has exited (at once if none runs). */
export async function exitOf(pidFile: string): Promise<void> {
  const pid = pidIn(pidFile);
  if (pid !== undefined) await gone(pid);
}

/**
 * A server an earlier `pnpm start` left running when it was killed outright (kill -9, an IDE
 * stopping its tree) still holds its data directory, and a second one beside it would refuse to
 * start or share its files. If `pidFile` names a live process whose command line `ours` accepts,
 * stop it with `signal` (a clean shutdown) and wait; returns its pid, or undefined if none ran.
 * One whose parent is a live supervisor belongs to a `pnpm start` still running: that is refused.
 */
export async function stopLeftover(pidFile: string, ours: (command: string) => boolean, signal: NodeJS.Signals): Promise<number | undefined> {
  const pid = pidIn(pidFile);
  const server = pid === undefined ? undefined : processOf(pid);
  if (pid === undefined || server === undefined || !ours(server.command)) return undefined;
  const parent = processOf(server.parent);
  if (parent && supervisorScript.test(parent.command)) {
    throw new Error(
      `another pnpm start (pid ${server.parent}) is running in this checkout; stop it first, or give this one its own DATABASE_URL and REDIS_URL`,
    );
  }
  process.kill(pid, signal);
  const timer = setTimeout(() => {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // it ended just now
    }
  }, 30_000);
  await gone(pid);
  clearTimeout(timer);
  return pid;
}
