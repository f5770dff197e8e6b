import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

// Clock ticks per second for /proc/<pid>/stat times; 100 on every Linux we know, asked anyway.
const ticksPerSecond = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

const read = (path: string): string | undefined => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined; // the process is gone
  }
};

/** CPU seconds (user + system) a process has used so far, or undefined once it has exited. */
export function cpuSeconds(pid: number): number | undefined {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  // Fields after "(comm)", which may itself hold spaces: state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

/** Resident set size in MB (VmRSS), or undefined once the process has exited. */
export function rssMb(pid: number): number | undefined {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(read(`/proc/${pid}/status`) ?? "");
  return match?.[1] ? Number(match[1]) / 1024 : undefined;
}

/** The whole machine's busy and total CPU seconds since boot, from the first line of /proc/stat. */
export function machineCpu(): { busy: number; total: number } {
  const line = (read("/proc/stat") ?? "").split("\n")[0] ?? "";
  const [, ...ticks] = line.trim().split(/\s+/).map(Number);
  const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return { busy: (total - idle) / ticksPerSecond, total: total / ticksPerSecond };
}

/** Pids whose command line contains every one of `parts` (e.g. the PostgreSQL backends of one database). */
export function findProcesses(parts: string[]): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = read(`/proc/${entry}/cmdline`)?.replaceAll("\0", " ");
    if (cmdline && parts.every((part) => cmdline.includes(part))) pids.push(Number(entry));
  }
  return pids;
}
